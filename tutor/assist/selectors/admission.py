"""Whether an AI answer asked for now can finish before its deadline, from what is in line.

Read in the web process when a student asks (services/requests.py), so a request the model
cannot serve in time is answered at once rather than after minutes in a queue. The estimate:
the answers queued or running now share the worker's LLM_PARALLEL_REQUESTS slots, and each
takes about as long as the answers finished lately took (their duration_ms, measured under the
same load), or as long as the oldest answer running now has already taken, if longer (when
the model falls behind, nothing finishes to measure it by). Answers that ran out of time count
with their full time. With no answer finished lately and none running, the request is let in.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Q
from django.utils import timezone

from tutor.assist.models import AiRequest

# The answers whose durations make the estimate: recent enough to reflect the load now.
RECENT_MINUTES = 10
RECENT_ANSWERS = 20


@dataclass(frozen=True)
class Admission:
    estimated_seconds: float | None  # until this answer would be finished; None: no data
    ahead: int  # answers queued or running before it
    admitted: bool


def admission_for_new_request() -> Admission:
    ahead = AiRequest.objects.filter(
        status__in=(AiRequest.Status.QUEUED, AiRequest.Status.RUNNING)
    ).count()
    seconds_each = max(recent_answer_seconds() or 0.0, oldest_running_seconds() or 0.0) or None
    if seconds_each is None:
        return Admission(None, ahead, True)
    slots = max(int(settings.LLM_PARALLEL_REQUESTS), 1)
    # Its turn comes when the answers ahead have left its slot: rounds of `slots` answers.
    estimated = math.ceil((ahead + 1) / slots) * seconds_each
    return Admission(estimated, ahead, estimated <= float(settings.LLM_REQUEST_SECONDS))


def oldest_running_seconds() -> float | None:
    started = (
        AiRequest.objects.filter(status=AiRequest.Status.RUNNING, started_at__isnull=False)
        .exclude(kind=AiRequest.Kind.COMPLETE)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return None if started is None else (timezone.now() - started).total_seconds()


def recent_answer_seconds() -> float | None:
    """Mean duration of the last model answers finished lately: written ones, and those that
    ran out of time (not declined, screened, cancelled or failed otherwise)."""
    since = timezone.now() - timedelta(minutes=RECENT_MINUTES)
    written = Q(status=AiRequest.Status.DONE, completion_tokens__gt=0)
    timed_out = Q(status=AiRequest.Status.FAILED, finish_reason="timeout")
    recent = (
        AiRequest.objects.filter(written | timed_out, finished_at__gte=since)
        .filter(duration_ms__isnull=False)
        .exclude(kind=AiRequest.Kind.COMPLETE)
        .exclude(finish_reason__in=("declined", "screened"))
        .order_by("-finished_at")
        .values_list("pk", flat=True)[:RECENT_ANSWERS]
    )
    mean = AiRequest.objects.filter(pk__in=list(recent)).aggregate(mean=Avg("duration_ms"))["mean"]
    return None if mean is None else float(mean) / 1000
