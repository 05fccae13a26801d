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
        SHARED = "shared"  # served from an answer written for the same failure before
        TEACHER = "teacher"  # an instructor's hint sent to a group with the same failure

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
    # Served from an answer written before (for another student, ahead, or by an instructor).
    shared_answer = models.ForeignKey(
        "SharedAnswer", on_delete=models.SET_NULL, null=True, blank=True, related_name="served"
    )
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


class SharedAnswer(models.Model):
    """An answer to one failure signature (tutor/grounding/signatures.py), served to every student
    whose failing run matches it (tutor/assist/services/shared_answers.py).

    Written by the model for a student (its text passed the guard), written ahead by the model
    for a likely mistake (a mutant of the reference), or written by a course's instructor for a
    group of their students. An instructor's answer belongs to their course; the model's serve
    every course.
    """

    class Source(models.TextChoices):
        MODEL = "model", "Written by the model for a student"
        AHEAD = "ahead", "Written ahead by the model"
        TEACHER = "teacher", "Written by an instructor"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="shared_answers")
    signature = models.CharField(max_length=64, db_index=True)
    # The signature's parts (FailureSignature.to_dict()) of the code the answer was written for.
    signature_parts = models.JSONField(default=dict)
    kind = models.CharField(max_length=20, choices=AiRequest.Kind.choices)
    # None: any level (an instructor's answer to a group).
    hint_level = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # What the mistake is, when known (a written-ahead mutant's description).
    label = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    # The localised line of the code it was written for: readers get their own line numbers.
    line = models.PositiveIntegerField(null=True, blank=True)
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shared_answers",
    )
    written_for = models.ForeignKey(
        AiRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # An instructor withdrew it: it is served no more.
    withdrawn = models.BooleanField(default=False)
    times_served = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["exercise", "signature", "kind"])]

    def __str__(self) -> str:
        return f"{self.source} answer #{self.pk} to {self.signature[:8]}"
