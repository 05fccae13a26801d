"""Instructors' course pages: the roster, adding students in bulk, joining by code, resets."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import can_log_in
from tutor.accounts.public_url import public_url
from tutor.accounts.roles import make_instructor
from tutor.courses.models import AccountOrigin, Course, Enrollment
from tutor.courses.roster import (
    EXISTS_ELSEWHERE,
    derive_username,
    parse_csv,
    parse_pasted_list,
)
from tutor.courses.services import create_course, enrol, join_by_code

pytestmark = pytest.mark.django_db

BASE = "/courses/python-1/"
ADD = BASE + "students/add/"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reset_url(student: User) -> str:
    return f"{BASE}students/{student.pk}/reset-password/"


def passwords_on(html: str) -> dict[str, str]:
    """username -> password, from the cards of a credentials sheet."""
    usernames = re.findall(r"<dt>Username</dt><dd><code class=\"credential\">([^<]+)</code>", html)
    passwords = re.findall(r"<dt>Password</dt><dd><code class=\"credential\">([^<]+)</code>", html)
    assert len(usernames) == len(passwords)
    return dict(zip(usernames, passwords, strict=True))


def enrolled_usernames(course: Course) -> set[str]:
    return set(Enrollment.objects.filter(course=course).values_list("student__username", flat=True))


# ---- Parsing ---------------------------------------------------------------------------------


def test_usernames_are_lowercase_ascii_of_the_name() -> None:
    assert derive_username("Zoë", "Müller-Lüdenscheidt") == "zoe.mullerludenscheidt"
    assert derive_username("Mary Ann", "Strauß") == "maryann.strauss"
    assert derive_username("李", "雷") == "student"


def test_the_pasted_list_and_csv_tolerate_headers_bom_and_spaces() -> None:
    pasted = parse_pasted_list("  Ada   Lovelace \n\n# a comment\n grace ,  Grace Hopper\nPlato\n")
    assert [(e.username, e.first_name, e.last_name) for e in pasted] == [
        ("", "Ada", "Lovelace"),
        ("grace", "Grace", "Hopper"),
        ("", "Plato", ""),
    ]
    data = "\ufeffUsername , First Name,last_name\r\n alan , Alan , Turing \r\n,Ada,Lovelace\r\n"
    rows = parse_csv(data.encode())
    assert [(e.username, e.first_name, e.last_name, e.where) for e in rows] == [
        ("alan", "Alan", "Turing", "CSV line 2"),
        ("", "Ada", "Lovelace", "CSV line 3"),
    ]
    assert [(e.username, e.full_name) for e in parse_csv(b"name\nMary Ann Smith\n")] == [
        ("", "Mary Ann Smith")
    ]
    windows = parse_csv("jose;José Capablanca\n".encode("cp1252"))  # not UTF-8, ';'
    assert [(e.username, e.first_name, e.last_name) for e in windows] == [
        ("jose", "José", "Capablanca")
    ]


# ---- Adding students -------------------------------------------------------------------------


def test_a_pasted_list_creates_accounts_and_shows_each_password_once(
    course: Course, instructor: User
) -> None:
    client = logged_in(instructor)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, {"students": "Ada Lovelace\ngrace, Grace Hopper\nZoë Müller\n"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    logins = passwords_on(html)
    assert set(logins) == {"ada.lovelace", "grace", "zoe.muller"}
    for username, password in logins.items():
        assert len(password) == 10
        assert html.count(password) == 1  # each password once, on its own card
        assert can_log_in(username, password)
        user = User.objects.get(username=username)
        assert password not in user.password  # hashed, not stored in plain text
    assert User.objects.get(username="grace").get_full_name() == "Grace Hopper"
    assert {"ada.lovelace", "grace", "zoe.muller"} <= enrolled_usernames(course)
    # The server's public address, never the one the instructor's browser used.
    assert course.join_code in html and public_url() in html and "testserver" not in html

    # The course page lists them; the sheet is not shown again anywhere.
    page = client.get(BASE).content.decode()
    assert "Grace Hopper" in page and course.join_code in page
    assert not any(password in page for password in logins.values())


def test_a_csv_file_with_header_and_bom_creates_accounts(course: Course, instructor: User) -> None:
    upload = SimpleUploadedFile(
        "class.csv",
        "\ufeffusername,first_name,last_name\r\nalan , Alan, Turing\r\n,Ada,Lovelace\r\n".encode(),
        content_type="text/csv",
    )
    response = logged_in(instructor).post(ADD, {"students": "", "csv_file": upload})
    assert response.status_code == 200
    logins = passwords_on(response.content.decode())
    assert set(logins) == {"alan", "ada.lovelace"}
    assert all(can_log_in(username, password) for username, password in logins.items())
    assert {"alan", "ada.lovelace"} <= enrolled_usernames(course)


def test_existing_usernames_are_enrolled_without_a_password_change(
    course: Course, instructor: User, other_student: User
) -> None:
    # bob's account was made by the roster of another course of the same instructor.
    earlier = create_course("Python 0", "python-0", instructors=[instructor])
    AccountOrigin.objects.create(account=other_student, course=earlier)
    taken = get_user_model().objects.create_user("ada.lovelace", password="pw-old-ada")
    response = logged_in(instructor).post(ADD, {"students": "BOB, Robert Tables\nAda Lovelace\n"})
    assert response.status_code == 200
    logins = passwords_on(response.content.decode())
    # "bob" exists (case aside): enrolled as he is; the derived name is taken: numbered.
    assert set(logins) == {"ada.lovelace2"}
    assert "bob" in enrolled_usernames(course)
    assert can_log_in("bob", "bob-password")
    assert can_log_in("ada.lovelace", "pw-old-ada")
    assert not Enrollment.objects.filter(course=course, student=taken).exists()
    other_student.refresh_from_db()
    assert other_student.first_name == ""  # an existing account's name is left alone


def test_sending_the_same_list_again_creates_no_duplicates(
    course: Course, instructor: User
) -> None:
    client = logged_in(instructor)
    first = passwords_on(client.post(ADD, {"students": "Ada Lovelace\n"}).content.decode())
    again = client.post(ADD, {"students": "Ada Lovelace\n"})
    assert passwords_on(again.content.decode()) == {}
    assert "Already had an account" in again.content.decode()
    assert User.objects.filter(first_name="Ada").count() == 1
    assert can_log_in("ada.lovelace", first["ada.lovelace"])


def test_a_malformed_line_creates_nothing_and_is_named(course: Course, instructor: User) -> None:
    before = User.objects.count()
    response = logged_in(instructor).post(
        ADD, {"students": "Ada Lovelace\nbad user name, Someone\nx, y, z\n"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was created" in html
    assert "line 2" in html and "line 3" in html
    assert "Ada Lovelace" in html  # the list is kept in the form to be fixed
    assert User.objects.count() == before
    assert enrolled_usernames(course) == {"alice"}


def test_a_repeated_username_is_refused(course: Course, instructor: User) -> None:
    upload = SimpleUploadedFile("c.csv", b"ann,Ann One\n")
    response = logged_in(instructor).post(ADD, {"students": "ann, Ann Two\n", "csv_file": upload})
    assert response.status_code == 400
    assert not User.objects.filter(username="ann").exists()


def test_an_empty_submission_is_refused(course: Course, instructor: User) -> None:
    response = logged_in(instructor).post(ADD, {"students": "  \n"})
    assert response.status_code == 400
    assert "The list is empty" in response.content.decode()


# ---- Joining by code -------------------------------------------------------------------------


def test_a_student_joins_with_the_code(course: Course, other_student: User) -> None:
    client = logged_in(other_student)
    assert client.get("/courses/join/").status_code == 200
    code = course.join_code.lower()
    response = client.post("/courses/join/", {"code": f" {code[:4]}-{code[4:]} "})
    assert response.status_code == 302 and response["Location"] == "/exercises/"
    assert "bob" in enrolled_usernames(course)


def test_a_wrong_code_says_so(course: Course, other_student: User) -> None:
    response = logged_in(other_student).post("/courses/join/", {"code": "NOPE2345"})
    assert response.status_code == 400
    assert "No course has this join code" in response.content.decode()
    assert "bob" not in enrolled_usernames(course)


def test_joining_needs_a_login(course: Course) -> None:
    response = Client().post("/courses/join/", {"code": course.join_code})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_new_accounts_record_the_course_that_created_them(course: Course, instructor: User) -> None:
    logged_in(instructor).post(ADD, {"students": "Ada Lovelace\n"})
    assert AccountOrigin.objects.get(account__username="ada.lovelace").course == course


def test_a_list_cannot_take_over_another_courses_student(course: Course, instructor: User) -> None:
    """The takeover of issue 13, replayed: teacher adds teacher2's student eve, then resets her."""
    teacher2 = get_user_model().objects.create_user("teacher2", password="pw-teacher2")
    make_instructor(teacher2)
    create_course("Course B", "course-b", instructors=[teacher2])
    made = logged_in(teacher2).post("/courses/course-b/students/add/", {"students": "eve, Eve"})
    eve_password = passwords_on(made.content.decode())["eve"]
    eve = User.objects.get(username="eve")

    response = logged_in(instructor).post(ADD, {"students": "eve, Eve\nAda Lovelace\n"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"line 1 (eve): {EXISTS_ELSEWHERE}" in page
    assert EXISTS_ELSEWHERE == (
        "exists: ask the student to join with the course code, or an administrator to add them"
    )
    assert set(passwords_on(page)) == {"ada.lovelace"}  # the rest of the list is added
    assert "eve" not in enrolled_usernames(course)
    eve.refresh_from_db()
    assert eve.first_name == "Eve" and can_log_in("eve", eve_password)
    # Not in course A: neither her password nor her history is reachable through it.
    assert logged_in(instructor).post(reset_url(eve)).status_code == 404
    history = logged_in(instructor).get(f"{BASE}analytics/students/{eve.pk}/")
    assert history.status_code == 404
    # She may join A herself; A's instructor then sees her work in A, never her account.
    join_by_code(eve, course.join_code)
    assert logged_in(instructor).get(f"{BASE}analytics/students/{eve.pk}/").status_code == 200
    refused = logged_in(instructor).post(reset_url(eve))
    assert refused.status_code == 403
    assert can_log_in("eve", eve_password)
    assert "joined by code" in logged_in(instructor).get(BASE).content.decode()
    # The course that created her, and an administrator, still manage her account.
    again = logged_in(teacher2).post(f"/courses/course-b/students/{eve.pk}/reset-password/")
    assert again.status_code == 200 and not can_log_in("eve", eve_password)


def test_an_administrator_may_add_any_existing_account(course: Course, other_student: User) -> None:
    admin = get_user_model().objects.create_superuser("root", password="pw-root-root")
    response = logged_in(admin).post(ADD, {"students": "bob, Bob\n"})
    assert response.status_code == 200 and EXISTS_ELSEWHERE not in response.content.decode()
    assert "bob" in enrolled_usernames(course)
    assert can_log_in("bob", "bob-password")


# ---- Password resets -------------------------------------------------------------------------


def test_the_instructor_resets_a_students_password(
    course: Course, instructor: User, student: User
) -> None:
    student_client = logged_in(student)
    response = logged_in(instructor).post(reset_url(student))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = passwords_on(response.content.decode())["alice"]
    assert can_log_in("alice", password)
    assert not can_log_in("alice", "alice-password")
    # The student's other sessions end.
    assert student_client.get("/courses/join/").status_code == 302


def test_resets_need_post(course: Course, instructor: User, student: User) -> None:
    assert logged_in(instructor).get(reset_url(student)).status_code == 405


def test_another_courses_instructor_cannot_reset(course: Course, student: User) -> None:
    other = get_user_model().objects.create_user("other-teacher", password="pw-other-teacher")
    make_instructor(other)
    other_course = create_course("Other", "other", instructors=[other])
    enrol(other_course, get_user_model().objects.create_user("carol", password="pw-carol"))
    assert logged_in(other).post(reset_url(student)).status_code == 403
    # Not through their own course either: alice is not in it.
    response = logged_in(other).post(f"/courses/other/students/{student.pk}/reset-password/")
    assert response.status_code == 404
    assert can_log_in("alice", "alice-password")


def test_a_student_cannot_reset(course: Course, student: User, other_student: User) -> None:
    enrol(course, other_student)
    assert logged_in(student).post(reset_url(other_student)).status_code == 403
    assert can_log_in("bob", "bob-password")


def test_superusers_and_instructors_are_never_reset(course: Course, instructor: User) -> None:
    admin = get_user_model().objects.create_superuser("root", password="pw-root-root")
    colleague = get_user_model().objects.create_user("colleague", password="pw-colleague")
    make_instructor(colleague)
    for account in (admin, colleague):
        enrol(course, account)
        assert logged_in(instructor).post(reset_url(account)).status_code == 403
    assert can_log_in("root", "pw-root-root") and can_log_in("colleague", "pw-colleague")
    page = logged_in(instructor).get(BASE).content.decode()
    assert reset_url(admin) not in page and "staff or instructor" in page
    # A superuser, who may open every course, may not reset an instructor either.
    enrol(course, instructor)
    assert logged_in(admin).post(reset_url(instructor)).status_code == 403
    assert can_log_in("teacher", "teacher-password")


# ---- Who may see what ------------------------------------------------------------------------


def test_the_course_pages_show_the_roster_and_the_exam_toggle(
    course: Course, instructor: User
) -> None:
    client = logged_in(instructor)
    listing = client.get("/courses/").content.decode()
    assert "Python 1" in listing and course.join_code in listing
    page = client.get(BASE).content.decode()
    assert "alice" in page and ADD in page and reset_url(User.objects.get(username="alice")) in page
    assert 'action="/courses/python-1/exam-mode/"' in page
    response = client.post(BASE + "exam-mode/", {"on": "1", "next": BASE})
    assert response["Location"] == BASE
    assert "Exam mode is on" in client.get(BASE).content.decode()


def test_other_instructors_see_neither_the_course_nor_it_listed(course: Course) -> None:
    other = get_user_model().objects.create_user("other-teacher", password="pw-other-teacher")
    make_instructor(other)
    client = logged_in(other)
    assert client.get("/courses/").status_code == 200
    assert "Python 1" not in client.get("/courses/").content.decode()
    assert client.get(BASE).status_code == 403
    assert client.post(ADD, {"students": "Eve Intruder"}).status_code == 403
    assert not User.objects.filter(first_name="Eve").exists()


STUDENT_REFUSED = [
    ("get", "/courses/"),
    ("get", BASE),
    ("get", ADD),
    ("post", ADD),
    ("post", "reset"),
]


@pytest.mark.parametrize(("method", "url"), STUDENT_REFUSED)
def test_students_get_403(
    course: Course, student: User, other_student: User, method: str, url: str
) -> None:
    enrol(course, other_student)
    target = reset_url(other_student) if url == "reset" else url
    client = logged_in(student)
    response = getattr(client, method)(target, {"students": "Eve Intruder"})
    assert response.status_code == 403
    assert not User.objects.filter(first_name="Eve").exists()


@pytest.mark.parametrize(("method", "url"), [*STUDENT_REFUSED, ("get", "/courses/join/")])
def test_anonymous_visitors_are_sent_to_log_in(
    course: Course, student: User, method: str, url: str
) -> None:
    target = reset_url(student) if url == "reset" else url
    response = getattr(Client(), method)(target, {"students": "Eve Intruder"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert can_log_in("alice", "alice-password")


def test_a_course_cannot_take_the_slug_of_the_join_page(db: None) -> None:
    from tutor.courses.services import CourseError, create_course

    with pytest.raises(CourseError, match="taken by a page"):
        create_course("Join", "join")
