"""Write what instructors manage on the content pages: exercise visibility and course AI policy."""

from django.db import transaction
from django.db.models import QuerySet

from exercises.models import Exercise
from tutor.content.policy_form import PolicyChanges
from tutor.courses.models import Course
from tutor.courses.notifications import notify_policy_changed
from tutor.courses.services import set_course_policy, set_exercise_policy


def set_exercise_hidden(exercise: Exercise, hidden: bool) -> Exercise:
    """Hides an exercise from students' lists and pages, or shows it again.

    An update, not save(): `updated_at` says when the exercise's content last changed, and
    hiding it is not a change of content. Re-importing keeps the choice (the importer never
    writes is_hidden).
    """
    Exercise.objects.filter(pk=exercise.pk).update(is_hidden=hidden)
    exercise.is_hidden = hidden
    return exercise


def set_exercises_hidden(exercises: QuerySet[Exercise], hidden: bool) -> int:
    """Hides or shows many exercises at once (a selection, a topic, a source); returns how many
    changed. Like set_exercise_hidden, it leaves `updated_at` alone."""
    return exercises.exclude(is_hidden=hidden).update(is_hidden=hidden)


def save_course_policy(course: Course, changes: PolicyChanges) -> Course:
    """The course's rules and its exercise overrides, all or nothing.

    An exercise with neither a mode nor a budget of its own loses its override row, so it
    follows the course again.
    """
    with transaction.atomic():
        set_course_policy(
            course,
            ai_mode=changes.ai_mode,
            hint_budget=changes.hint_budget,
            clear_hint_budget=changes.hint_budget is None,
            hint_penalty_percent=changes.hint_penalty_percent,
            inline_completion=changes.inline_completion,
            notify=False,
        )
        for override in changes.overrides:
            set_exercise_policy(
                course,
                override.exercise,
                ai_mode=override.ai_mode,
                hint_budget=override.hint_budget,
                notify=False,
            )
        # Once for the whole form: every open page of the course re-reads its settings.
        notify_policy_changed(course.pk)
    return course
