"""Scores to the LMS (Assignment and Grade Services): queued in the database, sent by a task.

A graded Submit (exercises.signals.submit_graded), or a teacher asking to send a course's
grades again, queues the student's current score on the exercise (the gradebook's score: the
best Submit's share of tests, less the course's hint penalty) for every linked LMS course the
student is in. The row is written first and the task enqueued on commit; the task sends the
latest score to the exercise's line item (found by its tag, the exercise's slug, or made) and
marks the row sent only when the LMS took that very version. An LMS that is down or refuses
leaves the row pending with the error and a time for the next try: the task retries with
backoff, and the workers' watchdog re-sends any pending row whose time has come (a lost
message, a worker that died), so a score is never dropped.
"""

import logging
from datetime import timedelta
from typing import Any

import requests
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from lti_tool.models import LtiUser
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem

from exercises.models import Exercise, Submission
from tutor.analytics.selectors.gradebook import FULL_SCORE, exercise_score
from tutor.analytics.selectors.progress import course_progress
from tutor.courses.models import Course
from tutor.lti.models import LinkedCourse, ScorePassback
from tutor.lti.services.platform import connector

logger = logging.getLogger(__name__)

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_READ_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
# Waits between tries: 30 s doubling to an hour, then every hour until the LMS takes it.
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600
SEND_ERRORS = (LtiException, LtiServiceException, requests.RequestException, ValueError)


def score_changed_on_submit(sender: Any, *, submission: Submission, **kwargs: Any) -> None:
    queue_scores(student=submission.student, exercise=submission.exercise)


def queue_scores(*, student: User, exercise: Exercise) -> list[int]:
    """Queues the student's current score on the exercise for each linked LMS course."""
    links = LinkedCourse.objects.filter(
        course__enrollments__student=student, context__can_publish_scores=True
    ).exclude(context__lineitems_url="")
    queued = []
    for link in links.select_related("course"):
        score = current_score(link.course, student, exercise)
        if score is not None:
            row = _queue(link, student, exercise, score)
            if row is not None:
                queued.append(row)
    return queued


def queue_course_scores(course: Course) -> int:
    """Queues every score of the course again (a teacher's "send grades to the LMS")."""
    graded = (
        Submission.objects.filter(
            student__enrollments__course=course, kind=Submission.Kind.SUBMIT, status="done"
        )
        .values_list("student_id", "exercise_id")
        .distinct()
    )
    count = 0
    for student_id, exercise_id in graded:
        student = User.objects.get(pk=student_id)
        count += len(queue_scores(student=student, exercise=Exercise.objects.get(pk=exercise_id)))
    return count


def current_score(course: Course, student: User, exercise: Exercise) -> float | None:
    progress = course_progress(
        course, exercise_id=exercise.pk, student_id=student.pk, attempts=False
    ).get((student.pk, exercise.pk))
    if progress is None:
        return None
    return exercise_score(progress.best_submit, progress.hints, course.hint_penalty_percent)


def _queue(link: LinkedCourse, student: User, exercise: Exercise, score: float) -> int | None:
    with transaction.atomic():
        row, created = ScorePassback.objects.select_for_update().get_or_create(
            link=link, student=student, exercise=exercise, defaults={"score": score}
        )
        if not created:
            if row.score == score and not row.pending:
                return None  # the LMS has this score already
            row.score = score
            row.version += 1
            row.pending = True
            row.attempts = 0
            row.next_attempt_at = None
            row.save()
        transaction.on_commit(lambda: enqueue_send(row.pk))
    return row.pk


def enqueue_send(passback_id: int) -> None:
    from tutor.lti.tasks import send_score_task

    send_score_task.delay(passback_id)


def send_score(passback_id: int) -> bool:
    """Sends a pending score; True when the LMS has it (or nothing is left to send)."""
    row = (
        ScorePassback.objects.select_related(
            "link__context__deployment__registration", "exercise", "student"
        )
        .filter(pk=passback_id)
        .first()
    )
    if row is None or not row.pending:
        return True
    context = row.link.context
    registration = context.deployment.registration
    lms_user = LtiUser.objects.filter(registration=registration, auth_user=row.student).first()
    if lms_user is None:
        _give_up(row, "The student has no account in this LMS (they joined LabTutor otherwise).")
        return True
    try:
        _put_score(row, context_scopes(context), context.lineitems_url, lms_user.sub)
    except SEND_ERRORS as error:
        _failed(row, f"{type(error).__name__}: {error}")
        return False
    ScorePassback.objects.filter(pk=row.pk, version=row.version).update(
        pending=False, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return True


def context_scopes(context: Any) -> list[str]:
    scopes = []
    if context.can_manage_lineitems:
        scopes.append(LINEITEM_SCOPE)
    elif context.can_query_lineitems:
        scopes.append(LINEITEM_READ_SCOPE)
    if context.can_publish_scores:
        scopes.append(SCORE_SCOPE)
    return scopes


def line_item_for(exercise: Exercise) -> LineItem:
    """The exercise's column in the LMS gradebook; deep linking asks the LMS to make it."""
    return (
        LineItem()
        .set_label(exercise.title)
        .set_score_maximum(FULL_SCORE)
        .set_resource_id(exercise.slug)
        .set_tag(exercise.slug)
    )


def _put_score(row: ScorePassback, scopes: list[str], lineitems_url: str, user_id: str) -> None:
    claim: Any = {"scope": scopes, "lineitems": lineitems_url}  # the launch's AGS claim
    service = AssignmentsGradesService(connector(row.link.context.deployment.registration), claim)
    line_item = service.find_or_create_lineitem(line_item_for(row.exercise), find_by="tag")
    grade = (
        Grade()
        .set_score_given(row.score)
        .set_score_maximum(FULL_SCORE)
        .set_timestamp(timezone.now().isoformat())
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(user_id)
    )
    service.put_grade(grade, line_item)


def _failed(row: ScorePassback, message: str) -> None:
    attempts = row.attempts + 1
    wait = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_RETRY_SECONDS)
    logger.warning("Score %s not taken by the LMS (try %s): %s", row.pk, attempts, message)
    ScorePassback.objects.filter(pk=row.pk, version=row.version).update(
        attempts=attempts,
        last_error=message[:2000],
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
    )


def _give_up(row: ScorePassback, message: str) -> None:
    ScorePassback.objects.filter(pk=row.pk, version=row.version).update(
        pending=False, last_error=message
    )


def sweep_pending_scores(
    *, now: Any = None, lost_after: timedelta = timedelta(minutes=2)
) -> list[int]:
    """Re-sends pending scores whose time has come, or whose message was lost (the watchdog's
    sweep). Each row is claimed by moving its next try on, so one sweeper alone sends it."""
    now = now or timezone.now()
    due = ScorePassback.objects.filter(pending=True).filter(
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, updated_at__lte=now - lost_after)
    )
    sent = []
    for row_id, next_at in due.values_list("pk", "next_attempt_at")[:200]:
        claimed = ScorePassback.objects.filter(
            pk=row_id, pending=True, next_attempt_at=next_at
        ).update(next_attempt_at=now + timedelta(seconds=LONGEST_RETRY_SECONDS))
        if claimed:
            enqueue_send(row_id)
            sent.append(row_id)
    return sent
