"""Tell the instructors' live class views that a student changed; only the student id travels.

Each live socket re-reads the student's row itself. Every function here swallows (and logs)
its errors: a grade, an answer or a page must never fail because the live view could not be told.
"""

import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from tutor.courses.models import Course
from tutor.group_sends import group_send
from tutor.groups import StudentChanged, live_group

logger = logging.getLogger(__name__)


def _event(student_id: int) -> StudentChanged:
    return StudentChanged(type="student.changed", student_id=student_id)


def _course_ids(student_id: int) -> list[int]:
    return list(
        Course.objects.filter(enrollments__student_id=student_id).values_list("pk", flat=True)
    )


def notify_student_changed(student_id: int) -> None:
    """From sync code (grading, generation): tells once the current transaction commits."""
    try:
        transaction.on_commit(lambda: _send(student_id))
    except Exception:
        logger.warning(
            "Could not schedule the live update of student %s", student_id, exc_info=True
        )


def _send(student_id: int) -> None:
    try:
        for course_id in _course_ids(student_id):
            group_send(live_group(course_id), _event(student_id))
    except Exception:
        # The change is stored; a live view that missed it shows it on its next reconnect.
        logger.warning("Could not notify the live views of student %s", student_id, exc_info=True)


async def anotify_student_changed(student_id: int) -> None:
    """From a consumer (presence changes)."""
    try:
        layer = get_channel_layer()
        if layer is None:
            return
        for course_id in await database_sync_to_async(_course_ids)(student_id):
            await layer.group_send(live_group(course_id), _event(student_id))
    except Exception:
        logger.warning("Could not notify the live views of student %s", student_id, exc_info=True)
