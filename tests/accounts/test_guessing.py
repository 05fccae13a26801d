"""Accounts that resist guessing: passwords (django-axes), join codes (a sliding window in
Redis), a password page for everyone, and the address printed for students."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from tutor import ratelimit
from tutor.accounts.public_url import lan_address, public_url
from tutor.courses.models import Course, Enrollment

pytestmark = pytest.mark.django_db

ATTACKER = "10.20.0.66"
OWNER = "10.20.0.7"


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    ratelimit.forget_join_guesses()
    yield
    ratelimit.forget_join_guesses()


def log_in(username: str, password: str, address: str) -> int:
    """The login page's answer: 302 signed in, 200 the form again, 429 locked out."""
    response = Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}
    )
    return response.status_code


def test_fifty_wrong_passwords_lock_that_client_out_but_not_the_owner(student: User) -> None:
    answers = [log_in("alice", f"guess-{n}", ATTACKER) for n in range(50)]

    assert answers[:9] == [200] * 9  # the form again, with its error
    assert set(answers[9:]) == {429}  # the 10th failure reaches the limit: refused from then on
    # The right password from the guessing client is refused too: guessing cannot find it.
    assert log_in("alice", "alice-password", ATTACKER) == 429
    # Alice, at her own machine, signs in.
    assert log_in("alice", "alice-password", OWNER) == 302
    print(f"\n50 wrong passwords: {answers.count(200)} answered, {answers.count(429)} refused")


def test_the_lockout_page_says_what_happened(student: User) -> None:
    for n in range(10):
        log_in("alice", f"guess-{n}", ATTACKER)
    response = Client(REMOTE_ADDR=ATTACKER).post(
        reverse("login"), {"username": "alice", "password": "alice-password"}
    )
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert "another computer" in response.content.decode()


def test_wrong_join_codes_are_refused_past_the_limit(student: User, course: Course) -> None:
    client = Client()
    client.force_login(student)
    Enrollment.objects.filter(student=student).delete()
    answers = [
        client.post(reverse("courses:join"), {"code": f"WRONG{n:03d}"}).content.decode()
        for n in range(50)
    ]
    assert sum("No course has this join code" in page for page in answers) == 10
    assert sum("Too many wrong join codes" in page for page in answers) == 40
    # Not even the right code gets through while the window lasts.
    right = client.post(reverse("courses:join"), {"code": course.join_code})
    assert "Too many wrong join codes" in right.content.decode()
    assert not Enrollment.objects.filter(student=student).exists()


def test_a_right_join_code_within_the_limit_enrols(student: User, course: Course) -> None:
    client = Client()
    client.force_login(student)
    Enrollment.objects.filter(student=student).delete()
    for n in range(3):
        client.post(reverse("courses:join"), {"code": f"WRONG{n:03d}"})
    assert client.post(reverse("courses:join"), {"code": course.join_code}).status_code == 302
    assert Enrollment.objects.filter(student=student, course=course).exists()


def test_a_student_changes_their_own_password(student: User) -> None:
    client = Client()
    client.force_login(student)
    assert client.get(reverse("password_change")).status_code == 200
    wrong_old = client.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "a-new-secret-42",
            "new_password2": "a-new-secret-42",
        },
    )
    assert wrong_old.status_code == 200 and "incorrectly" in wrong_old.content.decode()
    done = client.post(
        reverse("password_change"),
        {
            "old_password": "alice-password",
            "new_password1": "a-new-secret-42",
            "new_password2": "a-new-secret-42",
        },
    )
    assert done.status_code == 302 and done["Location"] == reverse("password_change_done")
    assert log_in("alice", "a-new-secret-42", OWNER) == 302
    assert log_in("alice", "alice-password", OWNER) == 200


def test_the_printed_address_is_the_public_one() -> None:
    with override_settings(PUBLIC_URL="https://labtutor.lab.local"):
        assert public_url() == "https://labtutor.lab.local/"
    with override_settings(PUBLIC_URL="", PUBLIC_PORT=8000):
        default = public_url()
    if lan_address() is None:
        pytest.skip("this machine has no LAN address to default to")
    assert default == f"http://{lan_address()}:8000/"
    assert "127.0.0.1" not in default and "localhost" not in default
