"""What LabTutor keeps beside django-lti's own records (lti_tool: registrations, deployments,
keys, LMS users, contexts, memberships): which course an LMS course is, and the scores on their
way to the LMS."""

from django.conf import settings
from django.db import models
from lti_tool.models import LtiContext

from exercises.models import Exercise
from tutor.courses.models import Course


class LinkedCourse(models.Model):
    """An LMS course (an LTI context) and the LabTutor course its launches arrive in."""

    context = models.OneToOneField(LtiContext, on_delete=models.CASCADE, related_name="course_link")
    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="lms_link")
    roster_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.context} -> {self.course}"


class ScorePassback(models.Model):
    """A student's score on an exercise for the LMS's gradebook: kept until the LMS took it.

    One row per LMS course, student and exercise; a newer score replaces a pending one (the LMS
    only needs the latest). `pending` stays true until the LMS answered 2xx for this very
    score; a failed try waits `next_attempt_at` and is retried by the task and, if the message
    was lost, by the workers' watchdog sweep: never dropped.
    """

    link = models.ForeignKey(LinkedCourse, on_delete=models.CASCADE, related_name="scores")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="Out of 100")
    version = models.PositiveIntegerField(default=1)
    pending = models.BooleanField(default=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "student", "exercise"],
                name="one_score_per_lms_course_student_exercise",
            )
        ]
        indexes = [models.Index(fields=["pending", "next_attempt_at"])]

    def __str__(self) -> str:
        state = "pending" if self.pending else "sent"
        return f"{self.student} {self.exercise}: {self.score} ({state})"
