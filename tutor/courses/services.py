"""Write courses: create them, enrol students, set their AI policy, turn exam mode on and off."""

import math

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from exercises.models import Exercise
from tutor.assist.models import AiRequest
from tutor.assist.services.requests import stop_request
from tutor.courses.models import AiMode, Course, Enrollment, ExercisePolicy, new_join_code
from tutor.courses.notifications import notify_policy_changed
from tutor.ratelimit import count_wrong_join_code, join_guess_wait

JOIN_CODE_ATTEMPTS = 10
EXAM_STOP_MESSAGE = "Stopped: AI help is off during the exam."


# /courses/join/ and /courses/new/ are pages, so no course may be called that.
RESERVED_SLUGS = frozenset({"join", "new"})
SLUG_MAX_LENGTH = 100
NAME_MAX_LENGTH = 200

DEMO_COURSE_NAME = "Demo course"
DEMO_COURSE_SLUG = "demo"


class CourseError(ValueError):
    """The change cannot be made; the message is meant for the person who asked."""


def create_course(
    name: str,
    slug: str,
    *,
    instructors: list[User] | None = None,
    ai_mode: str = AiMode.ALL,
    hint_budget: int | None = None,
    hint_penalty_percent: int = 0,
    inline_completion: bool = True,
) -> Course:
    if slug in RESERVED_SLUGS:
        raise CourseError(f"{slug!r} is taken by a page of the site; choose another slug.")
    if ai_mode not in AiMode.values:
        raise CourseError(f"Unknown AI mode {ai_mode!r}.")
    if not 0 <= hint_penalty_percent <= 100:
        raise CourseError("The hint penalty is a percentage from 0 to 100.")
    if hint_budget is not None and hint_budget < 0:
        raise CourseError("The hint budget cannot be negative.")
    for _ in range(JOIN_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                course = Course.objects.create(
                    name=name,
                    slug=slug,
                    join_code=new_join_code(),
                    ai_mode=ai_mode,
                    hint_budget=hint_budget,
                    hint_penalty_percent=hint_penalty_percent,
                    inline_completion=inline_completion,
                )
                course.instructors.set(instructors or [])
                return course
        except IntegrityError as error:
            if Course.objects.filter(slug=slug).exists():
                raise CourseError(f"A course with the slug {slug!r} exists already.") from error
            # Otherwise the join code was taken: draw another one.
    raise CourseError("Could not draw a free join code; try again.")


def create_taught_course(instructor: User, *, name: str, slug: str = "") -> Course:
    """A course the instructor creates for themselves (the Courses page); an empty slug is made
    from the name. Raises CourseError with a message for the instructor."""
    name = name.strip()
    if not name:
        raise CourseError("Give the course a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise CourseError(f"The name is longer than {NAME_MAX_LENGTH} characters.")
    slug = slugify(slug.strip() or name)[:SLUG_MAX_LENGTH].strip("-")
    if not slug:
        raise CourseError("Choose a web address (slug) of letters, digits and hyphens.")
    return create_course(name, slug, instructors=[instructor])


def ensure_demo_course(*, instructor: User, student: User) -> Course:
    """The quick start's course: taught by `instructor`, `student` enrolled. Safe to run again:
    it adds what is missing and changes nothing an instructor set since."""
    course = Course.objects.filter(slug=DEMO_COURSE_SLUG).first()
    if course is None:
        course = create_course(DEMO_COURSE_NAME, DEMO_COURSE_SLUG, instructors=[instructor])
    else:
        course.instructors.add(instructor)
    enrol(course, student)
    return course


def enrol(course: Course, student: User) -> Enrollment:
    """Idempotent: enrolling twice keeps the first enrollment."""
    enrollment, _ = Enrollment.objects.get_or_create(course=course, student=student)
    return enrollment


def join_by_code(student: User, code: str) -> Course:
    """Enrols the student with a course's join code. Wrong codes are counted per account: past
    JOIN_CODE_GUESSES in JOIN_CODE_GUESS_SECONDS, every code is refused until the window
    passes, so guessing another course's code takes years, not minutes."""
    wait = join_guess_wait(student.pk)
    if wait is not None:
        minutes = max(1, math.ceil(wait / 60))
        raise CourseError(
            f"Too many wrong join codes. Try again in {minutes} minute{'s' if minutes > 1 else ''},"
            " or ask your instructor to add you."
        )
    normalized = code.strip().upper().replace(" ", "").replace("-", "")
    course = Course.objects.filter(join_code=normalized).first()
    if course is None:
        count_wrong_join_code(student.pk)
        raise CourseError("No course has this join code; check it with your instructor.")
    enrol(course, student)
    return course


def set_course_policy(
    course: Course,
    *,
    ai_mode: str | None = None,
    hint_budget: int | None = None,
    clear_hint_budget: bool = False,
    inline_completion: bool | None = None,
    hint_penalty_percent: int | None = None,
    notify: bool = True,
) -> Course:
    """Changes the course-wide rules; arguments left out keep their value.

    notify=False leaves telling the open pages to the caller (one message for many changes).
    """
    if ai_mode is not None:
        if ai_mode not in AiMode.values:
            raise CourseError(f"Unknown AI mode {ai_mode!r}.")
        course.ai_mode = ai_mode
    if hint_budget is not None or clear_hint_budget:
        if hint_budget is not None and hint_budget < 0:
            raise CourseError("The hint budget cannot be negative.")
        course.hint_budget = hint_budget
    if inline_completion is not None:
        course.inline_completion = inline_completion
    if hint_penalty_percent is not None:
        if not 0 <= hint_penalty_percent <= 100:
            raise CourseError("The hint penalty is a percentage from 0 to 100.")
        course.hint_penalty_percent = hint_penalty_percent
    course.save()
    if notify:
        notify_policy_changed(course.pk)
    return course


def set_exercise_policy(
    course: Course,
    exercise: Exercise,
    *,
    ai_mode: str | None = None,
    hint_budget: int | None = None,
    notify: bool = True,
) -> ExercisePolicy | None:
    """Overrides the course's mode and/or budget on one exercise; None for both removes it."""
    if ai_mode is not None and ai_mode not in AiMode.values:
        raise CourseError(f"Unknown AI mode {ai_mode!r}.")
    if hint_budget is not None and hint_budget < 0:
        raise CourseError("The hint budget cannot be negative.")
    policy: ExercisePolicy | None = None
    if ai_mode is None and hint_budget is None:
        ExercisePolicy.objects.filter(course=course, exercise=exercise).delete()
    else:
        policy, _ = ExercisePolicy.objects.update_or_create(
            course=course,
            exercise=exercise,
            defaults={"ai_mode": ai_mode or "", "hint_budget": hint_budget},
        )
    # After the write: outside a transaction, on_commit runs the send at once.
    if notify:
        notify_policy_changed(course.pk)
    return policy


def set_exam_mode(course: Course, on: bool) -> list[int]:
    """Turns exam mode on or off; turning it on stops every answer under way for its students.

    Returns the ids of the requests it stopped: queued ones are closed as cancelled at once,
    running ones get the cancel flag and their worker stops them within a second.
    """
    Course.objects.filter(pk=course.pk).update(exam_mode=on)
    course.exam_mode = on
    notify_policy_changed(course.pk)
    if not on:
        return []
    return stop_unfinished_requests(course)


def stop_unfinished_requests(course: Course) -> list[int]:
    unfinished = AiRequest.objects.filter(
        student__enrollments__course=course,
        status__in=(AiRequest.Status.QUEUED, AiRequest.Status.RUNNING),
    ).values_list("pk", flat=True)
    stopped = []
    for request_id in list(unfinished):
        if stop_request(request_id, message=EXAM_STOP_MESSAGE) is not None:
            stopped.append(request_id)
    return stopped
