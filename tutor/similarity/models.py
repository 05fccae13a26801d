"""A similarity report: one run of the comparison over a course's work on one exercise."""

from django.conf import settings
from django.db import models

from exercises.models import Exercise, Submission
from tutor.courses.models import Course


class SimilarityReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="similarity_reports")
    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="similarity_reports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    programs = models.PositiveIntegerField(default=0, help_text="Students' programs compared")
    work_done = models.PositiveIntegerField(default=0)
    work_total = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0, help_text="Pairs sharing any code")
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["course", "exercise", "-created_at"])]

    def __str__(self) -> str:
        return f"Similarity of {self.exercise} in {self.course} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return (100 * self.work_done // self.work_total) if self.work_total else 0


class SimilarPair(models.Model):
    """Two students' programs that share code; spans are [start, end] character offsets."""

    report = models.ForeignKey(SimilarityReport, on_delete=models.CASCADE, related_name="pairs")
    rank = models.PositiveIntegerField()
    first = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()
    first_share = models.FloatField()
    second_share = models.FloatField()
    first_spans = models.JSONField(default=list)
    second_spans = models.JSONField(default=list)

    class Meta:
        ordering = ["report", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["report", "rank"], name="one_pair_per_report_rank")
        ]

    def __str__(self) -> str:
        return f"#{self.rank} of {self.report_id}: {self.similarity:.0%}"
