"""Courses: who teaches whom, and how much AI help their students get (the AI policy)."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from exercises.models import Exercise

# No 0/O, 1/I/L: a join code is read off a projector and typed by hand.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class AiMode(models.TextChoices):
    """How much the AI tutor may do, from nothing to everything."""

    OFF = "off", "Off"
    HINTS = "hints", "Hints only"
    EXPLAIN = "explain", "Hints and explanations"
    ALL = "all", "Everything (review and inline completion too)"


class Course(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    join_code = models.CharField(
        max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code, editable=False
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="taught_courses", blank=True
    )
    exam_mode = models.BooleanField(
        default=False, help_text="While on, the AI tutor is off for every student of the course."
    )
    ai_mode = models.CharField(max_length=10, choices=AiMode.choices, default=AiMode.ALL)
    hint_budget = models.PositiveIntegerField(
        null=True, blank=True, help_text="AI hints per student per exercise; empty = unlimited."
    )
    hint_penalty_percent = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Score penalty per AI hint, in percent (0-100).",
    )
    inline_completion = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hint_penalty_percent__lte=100),
                name="course_hint_penalty_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "student"], name="one_enrollment_per_student")
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.course}"


class ExercisePolicy(models.Model):
    """A course's AI rules for one exercise; empty fields keep the course's own."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="exercise_policies")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="course_policies")
    # Empty: the course's mode.
    ai_mode = models.CharField(max_length=10, choices=AiMode.choices, blank=True, default="")
    hint_budget = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "exercise policies"
        constraints = [
            models.UniqueConstraint(
                fields=["course", "exercise"], name="one_policy_per_course_exercise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} / {self.exercise}"


class AccountOrigin(models.Model):
    """The course whose roster created a student account: its instructors manage the account.

    Accounts made any other way (by an administrator, the demo setup, before this was recorded)
    have none, and only administrators manage them (tutor/courses/access.py).
    """

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="account_origin",
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="created_accounts")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.account} (created by {self.course})"


class HiddenLibraryExercise(models.Model):
    """A library exercise a course does not use: its students do not see it through this course,
    and its gradebook leaves it out. Hiding is the course's own choice, never the library's."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="hidden_library")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="hidden_in")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "exercise"], name="one_hidden_library_exercise_per_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exercise} hidden in {self.course}"


class Assignment(models.Model):
    """A set of a course's exercises with an opening and a due date.

    Students see it from its opening; a Submit after the due date still counts, marked late
    (tutor/courses/assignments.py)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200)
    exercises = models.ManyToManyField(Exercise, related_name="assignments")
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_at__gt=models.F("opens_at")),
                name="assignment_due_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.course})"
