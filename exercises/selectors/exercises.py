"""Read exercises and a student's progress on them."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet

from exercises.models import Draft, Exercise, Submission
from tutor.courses.models import Enrollment, HiddenLibraryExercise


class Progress(StrEnum):
    NOT_STARTED = "not started"
    ATTEMPTED = "attempted"
    SOLVED = "solved"


@dataclass(frozen=True)
class ExerciseRow:
    exercise: Exercise
    progress: Progress


@dataclass(frozen=True)
class TopicGroup:
    topic: str
    rows: list[ExerciseRow]


@dataclass(frozen=True)
class ExerciseFilter:
    """What a list of exercises is narrowed to: words, a topic, a difficulty, a source format,
    and (on the instructors' list) shown or hidden. Empty fields narrow nothing."""

    text: str = ""
    topic: str = ""
    difficulty: str = ""
    source: str = ""
    visibility: str = ""

    @property
    def is_active(self) -> bool:
        return any((self.text, self.topic, self.difficulty, self.source, self.visibility))


VISIBILITIES = {"shown": False, "hidden": True}


def visible_exercises(user: User) -> QuerySet[Exercise]:
    """The exercises `user` may open and is offered: never hidden ones.

    A course's own exercises go to its students and instructors only. The library goes to
    everyone, except that a student whose every course hides a library exercise does not see it
    (a student in no course sees the whole library).
    """
    enrollments = Enrollment.objects.filter(student=user)
    hides = HiddenLibraryExercise.objects.filter(
        course_id=OuterRef("course_id"), exercise_id=OuterRef(OuterRef("pk"))
    )
    used_by_a_course = Exists(enrollments.filter(~Exists(hides)))
    library = Q(course__isnull=True) & (used_by_a_course | ~Exists(enrollments))
    own = Q(course__in=enrollments.values("course_id")) | Q(
        course__in=user.taught_courses.values("pk")
    )
    if user.is_superuser:
        own = Q(course__isnull=False)
    return Exercise.objects.filter(library | own, is_hidden=False)


def exercise_filter_from(query: Mapping[str, str]) -> ExerciseFilter:
    """The filter a list page's GET form (or a bulk action repeating it) asks for."""
    visibility = query.get("visibility", "")
    return ExerciseFilter(
        text=query.get("q", "").strip(),
        topic=query.get("topic", ""),
        difficulty=query.get("difficulty", ""),
        source=query.get("source", ""),
        visibility=visibility if visibility in VISIBILITIES else "",
    )


def filter_exercises(exercises: QuerySet[Exercise], chosen: ExerciseFilter) -> QuerySet[Exercise]:
    """Every word of the text in the title, slug or topic; the other fields match exactly."""
    for word in chosen.text.split():
        exercises = exercises.filter(
            Q(title__icontains=word) | Q(slug__icontains=word) | Q(topic__icontains=word)
        )
    if chosen.topic:
        exercises = exercises.filter(topic=chosen.topic)
    if chosen.difficulty:
        exercises = exercises.filter(difficulty=chosen.difficulty)
    if chosen.source:
        exercises = exercises.filter(source_format=chosen.source)
    if chosen.visibility:
        exercises = exercises.filter(is_hidden=VISIBILITIES[chosen.visibility])
    return exercises


@dataclass(frozen=True)
class ExerciseFacets:
    """The values a list's filter form offers: only those its exercises actually have."""

    topics: list[str]
    difficulties: list[str]
    sources: list[str]


def exercise_facets(exercises: QuerySet[Exercise]) -> ExerciseFacets:
    present = set(exercises.values_list("difficulty", flat=True).distinct())
    # Topics in curriculum order (the order students meet them), not alphabetical.
    topics = exercises.order_by("order", "slug").values_list("topic", flat=True)
    return ExerciseFacets(
        topics=list(dict.fromkeys(topics)),
        difficulties=[value for value in Exercise.Difficulty.values if value in present],
        sources=sorted(set(exercises.values_list("source_format", flat=True).distinct())),
    )


def exercises_by_topic(student: User, chosen: ExerciseFilter | None = None) -> list[TopicGroup]:
    """Exercises grouped by topic in curriculum order, each with this student's progress."""
    mine = Submission.objects.filter(student=student, exercise=OuterRef("pk"))
    listed = filter_exercises(visible_exercises(student), chosen or ExerciseFilter())
    exercises = listed.annotate(
        attempted=Exists(mine),
        solved=Exists(mine.filter(kind=Submission.Kind.SUBMIT, passed=True)),
    ).order_by("order", "slug")
    groups: dict[str, list[ExerciseRow]] = {}
    for exercise in exercises:
        groups.setdefault(exercise.topic, []).append(
            ExerciseRow(exercise=exercise, progress=_progress(exercise))
        )
    return [TopicGroup(topic=topic, rows=rows) for topic, rows in groups.items()]


def _progress(exercise: Exercise) -> Progress:
    if getattr(exercise, "solved", False):
        return Progress.SOLVED
    if getattr(exercise, "attempted", False):
        return Progress.ATTEMPTED
    return Progress.NOT_STARTED


def latest_code(student: User, exercise: Exercise) -> str:
    """Where the student left off: the autosaved draft, their last graded code, or the starter."""
    draft = Draft.objects.filter(student=student, exercise=exercise).first()
    if draft is not None:
        return draft.code
    last = (
        Submission.objects.filter(student=student, exercise=exercise)
        .order_by("-created_at")
        .values_list("code", flat=True)
        .first()
    )
    return last if last is not None else exercise.starter_code


def next_exercise(student: User, exercise: Exercise) -> Exercise | None:
    """The first listed exercise after this one that the student has not solved yet."""
    solved = Submission.objects.filter(
        student=student, kind=Submission.Kind.SUBMIT, passed=True
    ).values("exercise_id")
    return (
        visible_exercises(student)
        .filter(order__gt=exercise.order)
        .exclude(pk__in=solved)
        .order_by("order", "slug")
        .first()
    )


def suggested_exercise(student: User) -> Exercise | None:
    """Where to go on: the exercise last worked on if unsolved, else the first unsolved one."""
    solved = Submission.objects.filter(
        student=student, kind=Submission.Kind.SUBMIT, passed=True
    ).values("exercise_id")
    unsolved = visible_exercises(student).exclude(pk__in=solved)
    recent = (
        Draft.objects.filter(student=student, exercise__in=unsolved)
        .order_by("-saved_at")
        .select_related("exercise")
        .first()
    )
    if recent is not None:
        return recent.exercise
    return unsolved.order_by("order", "slug").first()
