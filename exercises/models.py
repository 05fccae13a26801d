from django.conf import settings
from django.db import models

from tutor.languages import get_language


class Exercise(models.Model):
    class Difficulty(models.TextChoices):
        EASY = "easy"
        MEDIUM = "medium"
        HARD = "hard"

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=100)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    order = models.IntegerField(db_index=True)
    language = models.CharField(max_length=20, default="python")
    # The student's file is <module>.py; other languages use their suffix (student_filename).
    module = models.CharField(max_length=100, help_text="The student's file is <module>.py")
    statement_md = models.TextField()
    starter_code = models.TextField()
    solution_code = models.TextField()
    # Lists of {"filename": ..., "code": ...}: test files travel together with the exercise.
    visible_tests = models.JSONField(default=list)
    hidden_tests = models.JSONField(default=list)
    # Same shape: helper modules for the tests (never in the student's sandbox) and data files
    # for the student's program (see docs/exercise-format.md).
    support_files = models.JSONField(default=list)
    data_files = models.JSONField(default=list)
    # Tests and student code in one interpreter, as before the two-process sandbox: the student
    # can forge this exercise's verdict, and the instructor pages say so.
    in_process = models.BooleanField(default=False)
    # A program failing only hidden tests is told which line a hidden case reaches (nothing of
    # the case itself); off: only that hidden tests fail.
    hidden_test_hints = models.BooleanField(default=True)
    hints = models.JSONField(default=list)
    time_limit_seconds = models.FloatField(default=5.0)
    memory_limit_mb = models.PositiveIntegerField(default=256)
    source_format = models.CharField(max_length=20)
    source_path = models.CharField(max_length=500, blank=True)
    content_hash = models.CharField(max_length=64)
    is_hidden = models.BooleanField(default=False, help_text="Hidden exercises are not listed")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def student_filename(self) -> str:
        return get_language(self.language).student_filename(self.module)

    @property
    def editor_mode(self) -> str:
        return get_language(self.language).editor_mode

    def authored_hint(self, level: int | None) -> str | None:
        """The instructor's hint for a hint level (the last one past the end), if any."""
        hints = [str(hint).strip() for hint in self.hints if str(hint).strip()]
        if not hints:
            return None
        return hints[min(max(level or 1, 1), len(hints)) - 1]


class Submission(models.Model):
    """One press of Run or Submit. Saved before grading so that no student's work is lost."""

    class Kind(models.TextChoices):
        RUN = "run", "Run (visible tests)"
        SUBMIT = "submit", "Submit (all tests)"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        ERROR = "error"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="submissions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # The sandbox's whole result, hidden tests included; students only ever see a redacted copy.
    result = models.JSONField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    tests_passed = models.PositiveIntegerField(default=0)
    tests_total = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True)
    grading_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["student", "exercise", "-created_at"]),
            # Covers the analytics' per-student-and-exercise sums (tutor/analytics/): the
            # database reads them from the index alone, never the rows with their large
            # results (3-4x faster on SQLite for a class of 40 x 30 exercises x 20 runs).
            models.Index(
                fields=[
                    "student",
                    "exercise",
                    "created_at",
                    "kind",
                    "status",
                    "passed",
                    "tests_passed",
                    "tests_total",
                ],
                name="submission_progress_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} by {self.student_id} on {self.exercise_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.ERROR}


class Draft(models.Model):
    """The code in a student's editor, autosaved: it survives a reload, another PC, a logout."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="drafts")
    code = models.TextField()
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "exercise"], name="one_draft_per_exercise")
        ]

    def __str__(self) -> str:
        return f"draft of {self.student_id} on {self.exercise_id}"
