"""Every channel-layer group and every event sent to one: the names in one place.

A group's name says who listens. An event carries only ids: each consumer re-reads the row and
shows its own user what that user may see. Channels hands an event to the consumer's method
named after its type with dots as underscores ("ai.delta" -> ai_delta).
"""

from typing import Literal, TypedDict


def workspace_group(student_id: int, exercise_id: int) -> str:
    """Every open workspace socket of one student on one exercise; each joins it on connect."""
    return f"workspace_{student_id}_{exercise_id}"


def request_group(request_id: int) -> str:
    """The sockets following one AI answer."""
    return f"ai_{request_id}"


def policy_group(course_id: int) -> str:
    """The workspace sockets of a course's students, told when its AI policy changes."""
    return f"ai_policy_course_{course_id}"


def live_group(course_id: int) -> str:
    """The instructors' live class views of a course."""
    return f"live_course_{course_id}"


def submission_group(submission_id: int) -> str:
    """The browsers waiting for one submission's result."""
    return f"submission_{submission_id}"


class AiDelta(TypedDict):
    type: Literal["ai.delta"]
    request_id: int
    seq: int
    text: str


class AiChanged(TypedDict):
    type: Literal["ai.changed"]
    request_id: int


class AiOffered(TypedDict):
    """A finished answer the student did not ask for (an instructor's hint to their group)."""

    type: Literal["ai.offered"]
    request_id: int


class AiPolicyChanged(TypedDict):
    type: Literal["ai.policy.changed"]


class StudentChanged(TypedDict):
    type: Literal["student.changed"]
    student_id: int


class SubmissionChanged(TypedDict):
    type: Literal["submission.changed"]
    submission_id: int


class FeedbackChanged(TypedDict):
    type: Literal["feedback.added", "feedback.removed"]
    comment_id: int


GroupEvent = (
    AiDelta
    | AiChanged
    | AiOffered
    | AiPolicyChanged
    | StudentChanged
    | SubmissionChanged
    | FeedbackChanged
)
