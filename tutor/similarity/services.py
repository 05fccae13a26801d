"""A similarity report's whole life: requested by an instructor, run by the worker, stored.

request_report saves the row and enqueues the task once the row is committed; run_report (the
task's body) re-reads the row, claims it, compares the programs and stores the ranked pairs. A
redelivered task finds the report finished and does nothing, or still running and does it
again from the start (the pairs are replaced in one transaction, never added twice).
"""

import logging

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from exercises.models import Exercise
from tutor.courses.models import Course
from tutor.similarity.engine import Comparison, compare_programs, work_units
from tutor.similarity.models import SimilarityReport, SimilarPair
from tutor.similarity.selectors import class_programs

logger = logging.getLogger(__name__)

# The report keeps the most similar pairs: a teacher reads the top of the list, and a class of
# 200 has 19,900 pairs.
MAX_STORED_PAIRS = 300
PROGRESS_EVERY = 500

Status = SimilarityReport.Status


def request_report(*, course: Course, exercise: Exercise, requested_by: User) -> SimilarityReport:
    """A new report for the course's work on the exercise, or the one already on its way."""
    with transaction.atomic():
        pending = (
            SimilarityReport.objects.select_for_update()
            .filter(course=course, exercise=exercise, status__in=[Status.QUEUED, Status.RUNNING])
            .first()
        )
        if pending is not None:
            return pending
        report = SimilarityReport.objects.create(
            course=course, exercise=exercise, requested_by=requested_by
        )
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from tutor.similarity.tasks import similarity_report_task

    similarity_report_task.delay(report_id)


def run_report(report_id: int) -> None:
    """The task's body: idempotent, safe to run again after a worker died."""
    report = _claim(report_id)
    if report is None:
        return
    try:
        programs = class_programs(report.course, report.exercise)
        SimilarityReport.objects.filter(pk=report.pk).update(
            programs=len(programs),
            work_total=work_units(len(programs), MAX_STORED_PAIRS),
            work_done=0,
        )
        comparison = compare_programs(
            programs,
            language=report.exercise.language,
            excluded=[report.exercise.starter_code, report.exercise.solution_code],
            keep=MAX_STORED_PAIRS,
            on_progress=lambda done, total: _record_progress(report.pk, done),
            progress_every=PROGRESS_EVERY,
        )
    except Exception as error:
        logger.exception("similarity report %s failed", report_id)
        SimilarityReport.objects.filter(pk=report.pk).update(
            status=Status.FAILED,
            error_message=f"The comparison failed: {type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return
    _store(report.pk, comparison)


def _claim(report_id: int) -> SimilarityReport | None:
    with transaction.atomic():
        report = (
            SimilarityReport.objects.select_for_update()
            .select_related("course", "exercise")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.is_finished:
            return None
        report.status = Status.RUNNING
        report.started_at = timezone.now()
        report.save(update_fields=["status", "started_at"])
    return report


def _record_progress(report_id: int, done: int) -> None:
    SimilarityReport.objects.filter(pk=report_id, status=Status.RUNNING).update(work_done=done)


def _store(report_id: int, comparison: Comparison) -> None:
    with transaction.atomic():
        report = SimilarityReport.objects.select_for_update().get(pk=report_id)
        if report.is_finished:
            return
        report.pairs.all().delete()
        SimilarPair.objects.bulk_create(
            SimilarPair(
                report=report,
                rank=rank,
                first_id=match.first,
                second_id=match.second,
                similarity=match.similarity,
                first_share=match.first_share,
                second_share=match.second_share,
                first_spans=[list(span) for span in match.first_spans],
                second_spans=[list(span) for span in match.second_spans],
            )
            for rank, match in enumerate(comparison.matches, start=1)
        )
        report.status = Status.DONE
        report.pairs_found = comparison.pairs_sharing
        report.work_done = report.work_total
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "pairs_found", "work_done", "finished_at"])
