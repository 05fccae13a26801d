"""The class's mistakes: stuck students grouped by failure, the instructor's hint to a group, and
the review of the shared answers, all inside the instructor's own course."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client, override_settings

from exercises.models import Exercise
from tests.runs import graded_run
from tutor.accounts.roles import make_instructor
from tutor.assist.models import AiRequest, SharedAnswer
from tutor.assist.selectors.shared_answers import answer_for
from tutor.assist.services.requests import request_help
from tutor.courses.models import Course
from tutor.courses.policy import SHARED, TEACHER_SENT, hints_used
from tutor.courses.services import create_course, enrol
from tutor.live.mistake_groups import group_payloads, mistake_groups
from tutor.live.services.course_answers import review_answer
from tutor.live.services.group_hints import GroupHintRefused, send_group_hint

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("stuck_after_one_failed_run"),
]

# Two mistakes, each written three ways (names, spacing, blank lines): two groups of three.
SUBTRACTS = [
    "def add(a, b):\n    return a - b\n",
    "def add(x, y):\n    return x-y\n",
    "# adder\n\ndef add(a, b):\n    return a - b  # ?\n",
]
MULTIPLIES = [
    "def add(a, b):\n    return a * b\n",
    "def add(first, second):\n    return first * second\n",
    "\ndef add(a, b):\n    return a*b\n",
]


@pytest.fixture
def stuck_after_one_failed_run() -> object:
    with override_settings(LIVE_STUCK_FAILED_RUNS=1):
        yield


def class_of_six(course: Course, exercise: Exercise) -> dict[str, User]:
    students = {}
    for index, code in enumerate(SUBTRACTS + MULTIPLIES):
        name = f"{'sub' if code in SUBTRACTS else 'mul'}{index}"
        students[name] = get_user_model().objects.create_user(name)
        enrol(course, students[name])
        graded_run(students[name], exercise, code)
    return students


def test_six_students_with_two_mistakes_make_two_groups_of_three(
    course: Course, add_two: Exercise
) -> None:
    class_of_six(course, add_two)
    groups = mistake_groups(course)

    assert [len(group.members) for group in groups] == [3, 3]
    payloads = group_payloads(course, groups)
    by_who = {tuple(s["username"] for s in p["students"]): p for p in payloads}
    subtract = by_who[("sub0", "sub1", "sub2")]
    assert ("mul3", "mul4", "mul5") in by_who
    assert [student["line"] for student in subtract["students"]] == [2, 2, 4]
    assert subtract["example"]["username"] == "sub0"
    assert "return a - b" in subtract["example"]["code"]
    assert subtract["label"] == "line 2: return a - b (AssertionError)"
    assert subtract["answer"] is None
    # alice (enrolled, no run) is in no group
    assert all("alice" not in by_who_key for by_who_key in by_who)


def test_the_instructors_hint_reaches_the_group_with_their_lines_and_later_students(
    course: Course, instructor: User, add_two: Exercise
) -> None:
    students = class_of_six(course, add_two)
    subtract = next(group for group in mistake_groups(course) if len(group.members) == 3)
    if subtract.members[0].student.username.startswith("mul"):
        subtract = mistake_groups(course)[1]

    sent = send_group_hint(
        instructor=instructor,
        course=course,
        signature=subtract.signature,
        text="Line 2 subtracts: read the task's first sentence again.",
    )

    assert sent.students == 3
    given = AiRequest.objects.filter(finish_reason=TEACHER_SENT)
    replies = {ai.student.username: ai.reply for ai in given}
    assert replies == {
        "sub0": "Line 2 subtracts: read the task's first sentence again.",
        "sub1": "Line 2 subtracts: read the task's first sentence again.",
        "sub2": "Line 4 subtracts: read the task's first sentence again.",
    }
    assert all(ai.status == AiRequest.Status.DONE for ai in given)
    # They did not ask: no hint of their budget is used.
    assert hints_used(students["sub0"], add_two) == 0

    # A later student of the course with the same mistake gets it when they ask.
    later = get_user_model().objects.create_user("late")
    enrol(course, later)
    code = "def add(p, q):\n\n\n    return p - q\n"
    graded_run(later, add_two, code)
    asked = request_help(later, add_two, AiRequest.Kind.HINT, {"code": code})
    assert asked.finish_reason == SHARED and asked.shared_answer is not None
    assert asked.shared_answer.source == "teacher"
    assert asked.reply == "Line 4 subtracts: read the task's first sentence again."


def test_only_the_courses_instructors_answer_its_groups(course: Course, add_two: Exercise) -> None:
    class_of_six(course, add_two)
    signature = mistake_groups(course)[0].signature
    other = get_user_model().objects.create_user("other-teacher")
    make_instructor(other)
    create_course("Python 2", "python-2", instructors=[other])

    with pytest.raises(GroupHintRefused):
        send_group_hint(instructor=other, course=course, signature=signature, text="Hi")
    assert not AiRequest.objects.exists()


def test_a_group_nobody_is_in_any_more_is_refused(
    course: Course, instructor: User, add_two: Exercise
) -> None:
    with pytest.raises(GroupHintRefused, match="any more"):
        send_group_hint(instructor=instructor, course=course, signature="0" * 64, text="Hi")


def test_approving_or_withdrawing_the_models_answer_stays_inside_the_course(
    course: Course, instructor: User, add_two: Exercise
) -> None:
    class_of_six(course, add_two)
    group = mistake_groups(course)[0]
    models_answer = SharedAnswer.objects.create(
        exercise=add_two,
        signature=group.signature,
        kind=AiRequest.Kind.HINT,
        hint_level=1,
        source=SharedAnswer.Source.AHEAD,
        label="wrong operator",
        text="Which operator does line 2 use?",
        line=2,
    )
    other_course = create_course("Python 2", "python-2", instructors=[instructor])

    def served(course_ids: list[int]) -> SharedAnswer | None:
        return answer_for(
            exercise=add_two,
            signature=group.signature,
            kind=AiRequest.Kind.HINT,
            hint_level=1,
            course_ids=course_ids,
        )

    own = review_answer(
        instructor=instructor,
        course=course,
        answer=models_answer,
        action="save",
        text="Which operator does line 2 use, and which should it?",
    )
    assert own.course == course and own.source == "teacher"
    assert served([course.pk]) == own
    assert served([other_course.pk]) == models_answer  # the model's is unchanged elsewhere
    models_answer.refresh_from_db()
    assert models_answer.text == "Which operator does line 2 use?"

    review_answer(instructor=instructor, course=course, answer=own, action="withdraw")
    assert served([course.pk]) is None
    assert served([other_course.pk]) == models_answer


def test_the_answers_pages_are_for_the_courses_instructors(
    course: Course, instructor: User, student: User, add_two: Exercise
) -> None:
    answer = SharedAnswer.objects.create(
        exercise=add_two,
        signature="a" * 64,
        signature_parts={"line_source": "return a - b", "failing_tests": ["t"]},
        kind=AiRequest.Kind.HINT,
        hint_level=1,
        source=SharedAnswer.Source.AHEAD,
        label="wrong value returned",
        text="Look at <b>line 2</b>.",
        line=2,
    )
    client = Client()
    client.force_login(instructor)
    page = client.get(f"/courses/{course.slug}/answers/{add_two.slug}/")
    assert page.status_code == 200
    assert b"wrong value returned" in page.content
    assert b"Look at &lt;b&gt;line 2&lt;/b&gt;." in page.content  # escaped
    assert client.get(f"/courses/{course.slug}/answers/").status_code == 200
    posted = client.post(
        f"/courses/{course.slug}/answers/{add_two.slug}/{answer.pk}/",
        {"action": "save", "text": "Look at line 2."},
    )
    assert posted.status_code == 302
    assert SharedAnswer.objects.get(course=course).text == "Look at line 2."

    client.force_login(student)
    assert client.get(f"/courses/{course.slug}/answers/{add_two.slug}/").status_code == 403
    refused = client.post(
        f"/courses/{course.slug}/answers/{add_two.slug}/{answer.pk}/",
        {"action": "withdraw"},
    )
    assert refused.status_code == 403
    assert not SharedAnswer.objects.filter(withdrawn=True).exists()
