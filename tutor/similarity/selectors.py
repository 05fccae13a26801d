"""Reading similarity reports: the programs a report compares, and what the pages show."""

from dataclasses import dataclass

from django.contrib.auth.models import User

from exercises.models import Exercise, Submission
from tutor.courses.models import Course
from tutor.similarity.engine import Program, Segment, segments
from tutor.similarity.models import SimilarityReport, SimilarPair


def class_programs(course: Course, exercise: Exercise) -> list[Program]:
    """Each enrolled student's latest Submit of the exercise (their latest Run if they never
    submitted), oldest student first; a student with no code for it is left out."""
    submissions = (
        Submission.objects.filter(exercise=exercise, student__enrollments__course=course)
        .only("id", "student_id", "kind", "code", "created_at")
        .order_by("student_id", "-created_at", "-id")
    )
    chosen: dict[int, Submission] = {}
    for submission in submissions.iterator(chunk_size=500):
        held = chosen.get(submission.student_id)
        if held is None or (
            held.kind != Submission.Kind.SUBMIT and submission.kind == Submission.Kind.SUBMIT
        ):
            chosen[submission.student_id] = submission
    return [
        Program(key=submission.pk, code=submission.code)
        for submission in chosen.values()
        if submission.code.strip()
    ]


def latest_report(course: Course, exercise: Exercise) -> SimilarityReport | None:
    return SimilarityReport.objects.filter(course=course, exercise=exercise).first()


def ranked_pairs(report: SimilarityReport) -> list[SimilarPair]:
    return list(report.pairs.select_related("first__student", "second__student").order_by("rank"))


def report_pair(report: SimilarityReport, rank: int) -> SimilarPair | None:
    return (
        report.pairs.select_related("first__student", "second__student").filter(rank=rank).first()
    )


@dataclass(frozen=True)
class PairSide:
    """One student's program in the side-by-side view."""

    student: User
    submission: Submission
    share: float
    segments: list[Segment]


def pair_sides(pair: SimilarPair) -> tuple[PairSide, PairSide]:
    return (
        _side(pair.first, pair.first_share, pair.first_spans),
        _side(pair.second, pair.second_share, pair.second_spans),
    )


def _side(submission: Submission, share: float, spans: list[list[int]]) -> PairSide:
    return PairSide(
        student=submission.student,
        submission=submission,
        share=share,
        segments=segments(submission.code, [(start, end) for start, end in spans]),
    )
