"""Write what instructors manage on the content pages: exercise visibility and course AI policy."""

from django.db import transaction
from django.db.models import QuerySet

from exercises.models import Exercise
from tutor.content.policy_form import PolicyChanges
from tutor.content.scope import ContentScope
from tutor.content.selectors import scope_exercises
from tutor.courses.models import Course, HiddenLibraryExercise
from tutor.courses.notifications import notify_policy_changed
from tutor.courses.services import set_course_policy, set_exercise_policy


def set_hidden_in_scope(scope: ContentScope, exercises: QuerySet[Exercise], hidden: bool) -> int:
    """Hides or shows exercises for the scope's students; returns how many changed.

    In the library, and for a course's own exercises, the exercise's flag changes. A library
    exercise seen from a course is hidden for that course only (HiddenLibraryExercise): the
    library and the other courses keep it. Exercises outside the scope are left alone.

    An update, not save(): `updated_at` says when the exercise's content last changed, and
    hiding it is not a change of content. Re-importing keeps the choice (the importer never
    writes is_hidden).
    """
    inside = exercises.filter(pk__in=scope_exercises(scope).values("pk"))
    if scope.course is None:
        return inside.exclude(is_hidden=hidden).update(is_hidden=hidden)
    with transaction.atomic():
        changed = (
            inside.filter(course=scope.course).exclude(is_hidden=hidden).update(is_hidden=hidden)
        )
        library = inside.filter(course__isnull=True)
        hidden_rows = HiddenLibraryExercise.objects.filter(
            course=scope.course, exercise__in=library
        )
        if hidden:
            already = set(hidden_rows.values_list("exercise_id", flat=True))
            new = [
                HiddenLibraryExercise(course=scope.course, exercise_id=pk)
                for pk in library.values_list("pk", flat=True)
                if pk not in already
            ]
            HiddenLibraryExercise.objects.bulk_create(new, ignore_conflicts=True)
            changed += len(new)
        else:
            changed += hidden_rows.delete()[0]
    return changed


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
