"""The AI policy in force for one student on one exercise, from all the courses they are in."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BooleanField, ExpressionWrapper, Q

from exercises.models import Exercise
from tutor.assist.models import AiRequest
from tutor.courses.models import AiMode, Course, Enrollment, ExercisePolicy

Kind = AiRequest.Kind

EXPLAIN_KINDS = frozenset({Kind.HINT, Kind.EXPLAIN_ERROR, Kind.EXPLAIN_CODE, Kind.ASK})
KINDS_BY_MODE: dict[str, frozenset[str]] = {
    AiMode.OFF: frozenset(),
    AiMode.HINTS: frozenset({Kind.HINT.value}),
    AiMode.EXPLAIN: frozenset(kind.value for kind in EXPLAIN_KINDS),
    AiMode.ALL: frozenset(kind.value for kind in Kind),
}
# From most to least restrictive: with several courses, the first one found wins.
MODE_ORDER: list[str] = [AiMode.OFF, AiMode.HINTS, AiMode.EXPLAIN, AiMode.ALL]
# A hint counts against the budget when the student has it or may still get it: given, being
# written, or waiting -- or cancelled by the student after some of its text reached them (a
# stopped request's `reply` holds what was streamed), so Cancel-then-ask buys nothing. A failed
# one (the worker, the model or the deadline failed the student) never counts, nor one declined
# because the model could not answer in time (the student got the exercise's authored hint or a
# "busy" notice instead, assist/services/admission.py): neither costs budget, rate limit or score.
GIVEN_OR_COMING = (AiRequest.Status.DONE, AiRequest.Status.RUNNING, AiRequest.Status.QUEUED)
Reason = AiRequest.FinishReason
DECLINED = Reason.DECLINED
# An answer served from one written before for the same failure (assist/services/shared_answers.py)
# counts as any hint the student asked for.
SHARED = Reason.SHARED
# An instructor's hint sent to a group of students with the same failure: they did not ask.
TEACHER_SENT = Reason.TEACHER
# Finished hints that are not a step of the student's own hint ladder.
NOT_ASKED_HINTS = (DECLINED, TEACHER_SENT)
COUNTED_HINT = (
    Q(kind=Kind.HINT)
    & (Q(status__in=GIVEN_OR_COMING) | (Q(status=AiRequest.Status.CANCELLED) & ~Q(reply="")))
    & ~Q(finish_reason__in=NOT_ASKED_HINTS)
)

EXAM_REASON = "AI help is off during the exam."
OFF_REASON = "Your instructor has turned AI help off for this exercise."
HINTS_REASON = "Only hints are allowed on this exercise."
EXPLAIN_REASON = "Hints and explanations only on this exercise: no reviews or completions."
NO_COMPLETION_REASON = "Inline completion is off for your course."
NO_HINTS_LEFT_REASON = "You have used all your AI hints for this exercise."


@dataclass(frozen=True)
class AiPolicy:
    kinds: frozenset[str]  # the AiRequest kinds the student may ask for
    inline_completion: bool
    hints_left: int | None  # None: no budget
    reason: str  # for the student, when something is off; "" when nothing is

    @property
    def enabled(self) -> bool:
        return any(self.refusal(kind) is None for kind in self.kinds)

    def refusal(self, kind: str) -> str | None:
        """Why this kind of help is refused, or None when it is allowed."""
        if kind not in self.kinds:
            return self.reason or "This kind of AI help is off for this exercise."
        if kind == Kind.HINT and self.hints_left == 0:
            return NO_HINTS_LEFT_REASON
        return None


DEFAULT_POLICY = AiPolicy(
    kinds=KINDS_BY_MODE[AiMode.ALL], inline_completion=True, hints_left=None, reason=""
)


def effective_ai_policy(student: User | AnonymousUser, exercise: Exercise) -> AiPolicy:
    """The most restrictive rules of every course the student is in; exam mode turns all off."""
    if not isinstance(student, User):
        return AiPolicy(frozenset(), False, 0, "Log in to use the AI tutor.")
    courses = list(
        Course.objects.filter(pk__in=Enrollment.objects.filter(student=student).values("course_id"))
    )
    if not courses:
        return DEFAULT_POLICY
    if any(course.exam_mode for course in courses):
        return AiPolicy(frozenset(), False, 0, EXAM_REASON)
    overrides = {
        policy.course_id: policy
        for policy in ExercisePolicy.objects.filter(course__in=courses, exercise=exercise)
    }
    modes: list[str] = []
    budgets: list[int] = []
    inline = True
    for course in courses:
        override = overrides.get(course.pk)
        modes.append(override.ai_mode if override and override.ai_mode else course.ai_mode)
        budget = (
            override.hint_budget
            if override and override.hint_budget is not None
            else course.hint_budget
        )
        if budget is not None:
            budgets.append(budget)
        inline = inline and course.inline_completion
    mode = min(modes, key=MODE_ORDER.index)
    kinds = KINDS_BY_MODE[mode]
    if not inline:
        kinds = kinds - {Kind.COMPLETE.value}
    hints_left = None
    if budgets:
        hints_left = max(min(budgets) - hints_used(student, exercise), 0)
    return AiPolicy(
        kinds=kinds,
        inline_completion=Kind.COMPLETE.value in kinds,
        hints_left=hints_left,
        reason=_reason(mode, inline, hints_left),
    )


def hints_used(student: User, exercise: Exercise) -> int:
    return AiRequest.objects.filter(COUNTED_HINT, student=student, exercise=exercise).count()


def counted_hint_flag() -> ExpressionWrapper:
    """COUNTED_HINT as a boolean column, for queries that read rows as values."""
    return ExpressionWrapper(COUNTED_HINT, output_field=BooleanField())


def _reason(mode: str, inline: bool, hints_left: int | None) -> str:
    if mode == AiMode.OFF:
        return OFF_REASON
    if hints_left == 0 and mode == AiMode.HINTS:
        return NO_HINTS_LEFT_REASON
    if mode == AiMode.HINTS:
        return HINTS_REASON
    if mode == AiMode.EXPLAIN:
        return EXPLAIN_REASON
    if not inline:
        return NO_COMPLETION_REASON
    return ""
