"""The course AI policy page's form: what it shows, and reading back what the instructor sent.

One page sets the course's own rules and, per exercise, an override of the mode and the hint
budget. A rejected form is shown again exactly as typed, with a message next to each bad field,
so an instructor who mistyped one budget of forty does not lose the other thirty-nine.
"""

from dataclasses import dataclass, field

from django.http import QueryDict

from exercises.models import Exercise
from tutor.courses.models import AiMode, Course, ExercisePolicy

MAX_HINT_BUDGET = 1000
ON_VALUES = {"1", "on", "true", "yes"}


@dataclass(frozen=True)
class ExerciseOverride:
    exercise: Exercise
    ai_mode: str | None  # None: the course's mode
    hint_budget: int | None  # None: the course's budget


@dataclass(frozen=True)
class PolicyChanges:
    ai_mode: str
    hint_budget: int | None  # None: unlimited
    hint_penalty_percent: int
    inline_completion: bool
    overrides: list[ExerciseOverride]


@dataclass(frozen=True)
class PolicyRow:
    exercise: Exercise
    mode: str  # "" = the course's
    budget: str  # "" = the course's; text, so that a rejected entry is shown as typed
    error: str = ""

    @property
    def mode_field(self) -> str:
        return mode_field(self.exercise)

    @property
    def budget_field(self) -> str:
        return budget_field(self.exercise)


@dataclass
class PolicyForm:
    ai_mode: str
    hint_budget: str
    hint_penalty_percent: str
    inline_completion: bool
    rows: list[PolicyRow]
    errors: dict[str, str] = field(default_factory=dict)  # field name -> problem
    changes: PolicyChanges | None = None  # set when the form was read and holds no error


def mode_field(exercise: Exercise) -> str:
    return f"mode-{exercise.slug}"


def budget_field(exercise: Exercise) -> str:
    return f"budget-{exercise.slug}"


def policy_exercises() -> list[Exercise]:
    """Every exercise, hidden ones too: a policy set before showing an exercise applies at once."""
    return list(Exercise.objects.order_by("order", "slug"))


def policy_form_for(course: Course) -> PolicyForm:
    """The form filled in with the course's rules and its exercise overrides as stored."""
    overrides = {
        policy.exercise_id: policy for policy in ExercisePolicy.objects.filter(course=course)
    }
    rows = []
    for exercise in policy_exercises():
        override = overrides.get(exercise.pk)
        budget = override.hint_budget if override is not None else None
        rows.append(
            PolicyRow(
                exercise=exercise,
                mode=override.ai_mode if override is not None else "",
                budget="" if budget is None else str(budget),
            )
        )
    return PolicyForm(
        ai_mode=course.ai_mode,
        hint_budget="" if course.hint_budget is None else str(course.hint_budget),
        hint_penalty_percent=str(course.hint_penalty_percent),
        inline_completion=course.inline_completion,
        rows=rows,
    )


def read_policy_form(data: QueryDict) -> PolicyForm:
    """The form as sent, checked; `changes` is set only when every field is valid.

    Exercises whose fields are missing from the form (imported after the page was loaded) keep
    their override as it is.
    """
    errors: dict[str, str] = {}
    ai_mode = data.get("ai_mode", "")
    if ai_mode not in AiMode.values:
        errors["ai_mode"] = "Choose one of the AI modes."
    hint_budget_text = data.get("hint_budget", "").strip()
    hint_budget = _whole_number(hint_budget_text, "hint_budget", errors, MAX_HINT_BUDGET)
    penalty_text = data.get("hint_penalty_percent", "").strip() or "0"
    penalty = _whole_number(penalty_text, "hint_penalty_percent", errors, 100)
    inline = data.get("inline_completion", "").strip().lower() in ON_VALUES

    rows: list[PolicyRow] = []
    overrides: list[ExerciseOverride] = []
    for exercise in policy_exercises():
        if mode_field(exercise) not in data and budget_field(exercise) not in data:
            continue
        mode = data.get(mode_field(exercise), "")
        budget_text = data.get(budget_field(exercise), "").strip()
        row_errors: dict[str, str] = {}
        if mode and mode not in AiMode.values:
            row_errors[mode_field(exercise)] = "Choose one of the AI modes, or the course's."
        budget = _whole_number(budget_text, budget_field(exercise), row_errors, MAX_HINT_BUDGET)
        errors.update(row_errors)
        rows.append(PolicyRow(exercise, mode, budget_text, " ".join(row_errors.values())))
        overrides.append(ExerciseOverride(exercise, mode or None, budget))

    form = PolicyForm(
        ai_mode=ai_mode,
        hint_budget=hint_budget_text,
        hint_penalty_percent=penalty_text,
        inline_completion=inline,
        rows=rows,
        errors=errors,
    )
    if not errors and penalty is not None:
        form.changes = PolicyChanges(ai_mode, hint_budget, penalty, inline, overrides)
    return form


def _whole_number(text: str, name: str, errors: dict[str, str], maximum: int) -> int | None:
    """The number typed, None for an empty field; a problem goes into `errors` under `name`."""
    if not text:
        return None
    if not text.isdigit() or not text.isascii():
        errors[name] = f"Enter a whole number from 0 to {maximum}, or leave it empty."
        return None
    value = int(text)
    if value > maximum:
        errors[name] = f"At most {maximum}."
        return None
    return value
