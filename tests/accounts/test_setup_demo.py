"""`manage.py setup_demo`: the quick start's classroom, the same on every run."""

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings

from tests.conftest import can_log_in
from tutor.accounts.roles import is_instructor
from tutor.accounts.services import ADMIN_USERNAME, ensure_admin_account
from tutor.courses.models import Course
from tutor.courses.selectors import is_course_instructor
from tutor.courses.services import DEMO_COURSE_SLUG

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path


def setup_output(capsys: pytest.CaptureFixture[str]) -> str:
    call_command("setup_demo")
    return capsys.readouterr().out


def printed_password(output: str, username: str) -> str:
    match = re.search(rf"username: {username}\s+password: (\S+)", output)
    assert match, output
    return match.group(1)


def test_it_makes_a_classroom_and_prints_working_logins(
    capsys: pytest.CaptureFixture[str], var_dir: Path
) -> None:
    output = setup_output(capsys)

    teacher = User.objects.get(username="teacher")
    student = User.objects.get(username="student")
    admin = User.objects.get(username=ADMIN_USERNAME)
    course = Course.objects.get(slug=DEMO_COURSE_SLUG)
    assert is_instructor(teacher) and not is_instructor(student)
    assert is_course_instructor(teacher, course)
    assert list(course.enrollments.values_list("student__username", flat=True)) == ["student"]
    assert admin.is_superuser and admin.is_staff
    for username in ("teacher", "student", ADMIN_USERNAME):
        assert can_log_in(username, printed_password(output, username))
    assert f"/courses/{DEMO_COURSE_SLUG}/" in output and course.join_code in output

    # The demo teacher reaches the course's pages; the administrator reaches the admin.
    client = Client()
    client.force_login(teacher)
    assert client.get(f"/courses/{DEMO_COURSE_SLUG}/").status_code == 200
    assert client.get(f"/courses/{DEMO_COURSE_SLUG}/live/").status_code == 200
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200

    logins = var_dir / "demo-logins.json"
    assert str(logins) in output
    assert stat.S_IMODE(logins.stat().st_mode) == 0o600


def test_a_rerun_prints_the_same_and_makes_nothing_twice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = setup_output(capsys)
    second = setup_output(capsys)
    assert first == second
    assert Course.objects.filter(slug=DEMO_COURSE_SLUG).count() == 1
    assert Course.objects.get(slug=DEMO_COURSE_SLUG).enrollments.count() == 1
    assert User.objects.filter(is_superuser=True).count() == 1


def test_each_install_gets_its_own_administrator_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = printed_password(setup_output(capsys), ADMIN_USERNAME)
    get_user_model().objects.filter(username=ADMIN_USERNAME).delete()
    (tmp_path / "demo-logins.json").unlink()
    second = printed_password(setup_output(capsys), ADMIN_USERNAME)
    assert first != second and len(first) >= 16


def test_a_changed_administrator_password_is_kept_and_not_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_output(capsys)
    admin = User.objects.get(username=ADMIN_USERNAME)
    admin.set_password("the-admins-own-choice")
    admin.save()

    output = setup_output(capsys)

    assert can_log_in(ADMIN_USERNAME, "the-admins-own-choice")
    assert "set outside setup, not shown" in output


def test_an_admin_account_made_outside_setup_is_never_promoted_or_reset(tmp_path: Path) -> None:
    someone = get_user_model().objects.create_user(ADMIN_USERNAME, password="a-students-password")
    login = ensure_admin_account(tmp_path / "logins.json")
    someone.refresh_from_db()
    assert login.password is None
    assert not someone.is_superuser and not someone.is_staff
    assert can_log_in(ADMIN_USERNAME, "a-students-password")


def test_the_demo_logins_and_the_administrators_share_one_file(
    capsys: pytest.CaptureFixture[str], var_dir: Path
) -> None:
    output = setup_output(capsys)
    stored = json.loads((var_dir / "demo-logins.json").read_text())
    assert stored == {
        name: printed_password(output, name) for name in ("teacher", "student", ADMIN_USERNAME)
    }


def test_the_demo_course_keeps_what_the_instructor_changed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_output(capsys)
    course = Course.objects.get(slug=DEMO_COURSE_SLUG)
    course.name = "Tuesday lab"
    course.hint_budget = 2
    course.save()
    setup_output(capsys)
    course.refresh_from_db()
    assert (course.name, course.hint_budget) == ("Tuesday lab", 2)
