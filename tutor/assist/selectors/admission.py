"""Whether an AI answer asked for now can finish before its deadline, from what is in line.

Read in the web process when a student asks (services/requests.py), so a request the model
cannot serve in time is answered at once rather than after minutes in a queue. The estimate:
the answers queued or running now share the worker's LLM_PARALLEL_REQUESTS slots, and each
takes about as long as the answers finished lately took (their duration_ms, measured under the
same load). With no answer finished lately there is nothing to estimate from, and the request
is let in.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Avg
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
    seconds_each = recent_answer_seconds()
    if seconds_each is None:
        return Admission(None, ahead, True)
    slots = max(int(settings.LLM_PARALLEL_REQUESTS), 1)
    # Its turn comes when the answers ahead have left its slot: rounds of `slots` answers.
    estimated = math.ceil((ahead + 1) / slots) * seconds_each
    return Admission(estimated, ahead, estimated <= float(settings.LLM_REQUEST_SECONDS))


def recent_answer_seconds() -> float | None:
    """Mean duration of the last model answers (not declined, not screened) finished lately."""
    since = timezone.now() - timedelta(minutes=RECENT_MINUTES)
    recent = (
        AiRequest.objects.filter(
            finished_at__gte=since,
            status=AiRequest.Status.DONE,
            completion_tokens__gt=0,
            duration_ms__isnull=False,
        )
        .exclude(kind=AiRequest.Kind.COMPLETE)
        .order_by("-finished_at")
        .values_list("pk", flat=True)[:RECENT_ANSWERS]
    )
    mean = AiRequest.objects.filter(pk__in=list(recent)).aggregate(mean=Avg("duration_ms"))["mean"]
    return None if mean is None else float(mean) / 1000
