"""What the workspace page and its socket show one student about one exercise."""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypedDict

from django.conf import settings
from django.contrib.auth.models import User

from exercises.models import Draft, Exercise, Submission
from exercises.selectors.submissions import SubmissionPayload, submission_payload
from tutor.assist.model_status import read_status
from tutor.assist.models import AiRequest
from tutor.assist.selectors.requests import RequestPayload, history
from tutor.courses.policy import effective_ai_policy
from tutor.review.selectors.feedback import CommentPayload, feedback_for_student

DEMO_MODEL_NOTICE = (
    "The tutor runs a small demo model: its answers are weak and sometimes wrong. An instructor "
    "can install a real code model (for example Stable Code Instruct 3B) from a USB stick with "
    "`python manage.py model install /media/usb/stable-code-instruct-3b` and set LABTUTOR_MODEL; "
    "see the deployment guide."
)


class AiSettings(TypedDict):
    """What the course's AI policy lets this student ask on this exercise (hello's `ai`)."""

    enabled: bool
    kinds: list[str]
    inline_completion: bool
    demo_model: bool
    model_name: str
    notice: str
    hints_left: int | None
    reason: str


class HelloMessage(TypedDict):
    """Everything the workspace page shows, sent on every (re)connect."""

    type: Literal["hello"]
    draft: str | None
    draft_saved_at: str | None
    latest_submission: SubmissionPayload | None
    requests: list[RequestPayload]
    ai: AiSettings
    feedback: list[CommentPayload]


@dataclass(frozen=True)
class WorkspaceState:
    hello: HelloMessage
    unfinished_request_ids: list[int]
    unfinished_submission_id: int | None


def workspace_state(student: User, exercise: Exercise) -> WorkspaceState:
    draft = Draft.objects.filter(student=student, exercise=exercise).first()
    latest = Submission.objects.filter(student=student, exercise=exercise).first()
    requests = history(student, exercise.pk)
    hello = HelloMessage(
        type="hello",
        draft=draft.code if draft else None,
        draft_saved_at=draft.saved_at.isoformat() if draft else None,
        latest_submission=submission_payload(latest, for_instructor=False) if latest else None,
        requests=requests,
        ai=ai_settings(student, exercise),
        feedback=feedback_for_student(student, exercise),
    )
    unfinished = [
        request["id"] for request in requests if request["status"] in {"queued", "running"}
    ]
    unfinished_submission = latest.pk if latest is not None and not latest.is_finished else None
    return WorkspaceState(hello, unfinished, unfinished_submission)


def ai_settings(student: User, exercise: Exercise) -> AiSettings:
    """The `ai` object of hello: what the course's AI policy lets this student ask here."""
    policy = effective_ai_policy(student, exercise)
    demo = not settings.LLM_MODEL_PATH
    return AiSettings(
        enabled=policy.enabled,
        # In AiRequest.Kind's order, so the page lays its buttons out the same way each time.
        kinds=[kind.value for kind in AiRequest.Kind if kind.value in policy.kinds],
        inline_completion=policy.inline_completion,
        demo_model=demo,
        model_name=_model_name(demo),
        notice=DEMO_MODEL_NOTICE if demo else "",
        hints_left=policy.hints_left,
        reason=policy.reason,
    )


def _model_name(demo: bool) -> str:
    """The model the llm worker says it loaded, else the one configured."""
    status = read_status()
    if status is not None and not status["stale"]:
        return Path(status["source_path"]).name + (" (demo)" if demo else "")
    return "the embedded demo model" if demo else Path(settings.LLM_MODEL_PATH).name
