from django.conf import settings
from django.db import models

from exercises.models import Exercise


class AiRequest(models.Model):
    """One question to the model and its whole answer, kept for the student and the instructor."""

    class Kind(models.TextChoices):
        HINT = "hint"
        EXPLAIN_ERROR = "explain_error", "Explain this error"
        EXPLAIN_CODE = "explain_code", "Explain selection"
        REVIEW = "review", "Review my code"
        ASK = "ask"
        COMPLETE = "complete", "Inline completion"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled"

    class FinishReason(models.TextChoices):
        """Why a finished request ended; its status follows (services/lifecycle.py)."""

        STOP = "stop"  # the model ended its answer
        LENGTH = "length"  # cut at the answer length limit
        CANCELLED = "cancelled"  # the student (or exam mode, an instructor) stopped it
        TIMEOUT = "timeout"  # ran past its deadline in the engine
        ERROR = "error"  # the engine, the worker or the model failed
        GUARD = "guard"  # the guard stopped it; the student got a safe reply
        SCREENED = "screened"  # refused before the model saw it (question_screen.py)
        DECLINED = "declined"  # the model could not answer in time (selectors/admission.py)
        LATE = "late"  # an inline completion the student had typed past: dropped unseen

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ai_requests"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="ai_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    hint_level = models.PositiveSmallIntegerField(null=True, blank=True)
    # What the model was shown: code, selection, error text, question, recent turns.
    context = models.JSONField(default=dict)
    reply = models.TextField(blank=True)
    error_message = models.TextField(blank=True)
    model_name = models.CharField(max_length=200, blank=True)
    model_settings = models.JSONField(default=dict, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    queue_wait_ms = models.PositiveIntegerField(null=True, blank=True)
    first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    finish_reason = models.CharField(max_length=20, blank=True)
    rating = models.SmallIntegerField(null=True, blank=True, help_text="1 helpful, -1 not")
    # The solution-leak guard's verdict on the reply: allow, redact or block, and why.
    guard_verdict = models.CharField(max_length=10, blank=True, db_index=True)
    guard_reason = models.TextField(blank=True)
    guard_findings = models.JSONField(default=list, blank=True)
    # An instructor marks a reply for review (wrong, harmful, or too revealing).
    flagged = models.BooleanField(default=False, db_index=True)
    flag_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["student", "exercise", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} by {self.student_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED}
