"""Whether an AI answer can finish before its deadline, from what is in line and how fast the
model is.

The rule (README.md, "When the tutor is busy"): an admitted answer is promised to finish within
LLM_REQUEST_SECONDS of the student's asking, its wait for the llm worker included; with no answer
ahead, a request is always admitted (the estimate may be stale, and only answers correct it);
inline completions have a lane of their own (admission_for_completion). Checked twice:
- when the student asks (services/requests.py), in the web process: every answer asked and not
  finished yet (queued or running, admitted but unfinished) is load committed before it;
- when the llm worker picks it up (services/generation.py), with the time it has already waited:
  one the queue has made too late is declined then, with the authored hint, rather than started
  and stopped at its deadline.

The estimate is conservative: the answer is as long as 9 in 10 recent answers, and those in
line before it as long as the recent answers' mean (both at the cap until there are enough of
them: counting every answer at its cap declined most of a class's burst that the model could
have answered); prompts are as long as the longest lately; answers that run together share the
CPU at the speed the llm worker measured (answer_speed.py), which it measures when it starts: so
the first request of a burst is estimated as well as the last. The LLM_PARALLEL_REQUESTS slots
take answers in rounds: an answer with `ahead` unfinished before it starts when the rounds before
its own have finished, and runs as slowly as a full batch: answers asked after it join its batch
(the demo model on 2 cores: 4 s for an answer alone, 38 s for eight together; estimated by its
own batch size, bench/loadtest.py's answers ran up to 26 s longer than estimated). Without the
worker's measurement (a model server, or a worker that has not started yet) the longest of the
recent answers stands in for one answer's time, and with nothing at all, only the first round is
let in.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from tutor.assist.answer_speed import AnswerSpeed, read_answer_speed
from tutor.assist.models import AiRequest

# The model answers whose durations stand in when the worker has published no measurement,
# and whose lengths give an answer's length.
RECENT_ANSWERS = 20
# An answer counts as long as this share of recent answers were (at most)...
ANSWER_LENGTH_QUANTILE = 0.9
# ...once there are this many; before, as long as its cap.
MIN_ANSWERS_FOR_LENGTH = 5


# Inline completion's own lane: this many in flight at once, whoever asked (they are short, go
# ahead of every hint in the engine, and a student who types on has no use for a late one)...
COMPLETION_LANE = 2
# ...each dropped, unseen, when the llm worker takes it after waiting this long, and stopped
# when it has not finished this long after the asking.
COMPLETION_SECONDS = 4.0


@dataclass(frozen=True)
class Admission:
    estimated_seconds: float | None  # until this answer would be finished; None: no data
    ahead: int  # answers queued or running before it
    admitted: bool


def admission_for_new_request() -> Admission:
    # Completions run in a lane of their own (services/requests.py): not load before a hint.
    ahead = (
        AiRequest.objects.filter(status__in=(AiRequest.Status.QUEUED, AiRequest.Status.RUNNING))
        .exclude(kind=AiRequest.Kind.COMPLETE)
        .count()
    )
    slots = _slots()
    speed = read_answer_speed()
    if ahead == 0:
        # Nothing ahead: no estimate, however pessimistic or stale, can make waiting better
        # than answering (a start-up figure from a busy machine declined a whole class for
        # 25 minutes, with nothing in line, and declined requests taught it nothing).
        return Admission(_alone_seconds(speed), 0, True)
    place = ahead + 1
    if speed is not None:
        # Full rounds: answers asked later join the batch while this one runs and slow it down
        # (they are admitted when they fit their own deadline, not this one's). The rounds
        # before its own take what typical answers take together; its own may be a long one.
        before = _rounds(place, slots) - 1
        estimated = before * speed.typical_seconds_for(slots) + speed.seconds_for(slots)
    else:
        longest = longest_recent_answer_seconds()
        estimated = _rounds(place, slots) * (longest or 0.0)
    # An answer that has run longer than that shows the model is slower now than measured.
    estimated = max(estimated, _rounds(place, slots) * (oldest_running_seconds() or 0.0))
    if not estimated:
        # Nothing measured yet: the first round can start at once, the rest must wait.
        return Admission(None, ahead, ahead < slots)
    return Admission(estimated, ahead, estimated <= _deadline())


def admission_for_completion() -> Admission:
    """A completion waits for no hint: it is admitted while its lane has room."""
    in_flight = AiRequest.objects.filter(
        kind=AiRequest.Kind.COMPLETE,
        status__in=(AiRequest.Status.QUEUED, AiRequest.Status.RUNNING),
    ).count()
    return Admission(None, in_flight, in_flight < COMPLETION_LANE)


def completion_seconds_left(ai_request: AiRequest) -> float:
    """How long a completion may still take; 0 or less: it is late, and dropped."""
    waited = (timezone.now() - ai_request.created_at).total_seconds()
    return COMPLETION_SECONDS - waited


def admission_at_pickup(ai_request: AiRequest, *, running: int) -> Admission:
    """When the llm worker takes the request (the engine runs `running` others): its wait so
    far plus its own answer's time, as long as a full batch's: as many may join it as there are
    slots. With nothing running it starts, as a new request with nothing ahead is admitted:
    declining it would leave the model idle, and only answers correct a figure that a busy
    machine or a long-gone load made too slow."""
    waited = (timezone.now() - ai_request.created_at).total_seconds()
    speed = read_answer_speed()
    if running == 0:
        alone = _alone_seconds(speed)
        return Admission(None if alone is None else waited + alone, 0, True)
    own = speed.seconds_for(speed.slots) if speed is not None else longest_recent_answer_seconds()
    if own is None:
        return Admission(None, running, True)
    estimated = waited + own
    return Admission(estimated, running, estimated <= _deadline())


def _alone_seconds(speed: AnswerSpeed | None) -> float | None:
    """An answer's time with nothing else running, for the student's "about N s"."""
    if speed is not None:
        return speed.seconds_for(1)
    return longest_recent_answer_seconds()


def _rounds(answers: int, slots: int) -> int:
    return math.ceil(answers / slots)


def _slots() -> int:
    return max(int(settings.LLM_PARALLEL_REQUESTS), 1)


def _deadline() -> float:
    return float(settings.LLM_REQUEST_SECONDS)


def oldest_running_seconds() -> float | None:
    started = (
        AiRequest.objects.filter(status=AiRequest.Status.RUNNING, started_at__isnull=False)
        .exclude(kind=AiRequest.Kind.COMPLETE)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    return None if started is None else (timezone.now() - started).total_seconds()


def _model_answers() -> Q:
    """Answers the model wrote (and those that ran out of time), not the ones given without it."""
    written = Q(status=AiRequest.Status.DONE, completion_tokens__gt=0)
    timed_out = Q(status=AiRequest.Status.FAILED, finish_reason=AiRequest.FinishReason.TIMEOUT)
    return (written | timed_out) & ~Q(kind=AiRequest.Kind.COMPLETE)


def _recent_model_answers() -> list[int]:
    answers = AiRequest.objects.filter(_model_answers(), duration_ms__isnull=False)
    return list(answers.order_by("-finished_at").values_list("pk", flat=True)[:RECENT_ANSWERS])


def longest_recent_answer_seconds() -> float | None:
    """The longest of the last model answers, however long ago: an upper bound of one answer's
    time under the load they ran in."""
    longest = AiRequest.objects.filter(pk__in=_recent_model_answers()).aggregate(
        longest=Max("duration_ms")
    )["longest"]
    return None if longest is None else float(longest) / 1000


@dataclass(frozen=True)
class AnswerLengths:
    long: int  # as long as ANSWER_LENGTH_QUANTILE of recent answers: an answer's own
    mean: int  # the recent answers' mean: those in line before it, together


def recent_answer_lengths(*, cap: int) -> AnswerLengths:
    """How long answers are, for an estimate, from the recent model answers (one that ran out
    of time counts at the cap); both at the cap until there are MIN_ANSWERS_FOR_LENGTH."""
    lengths = sorted(
        cap if reason == AiRequest.FinishReason.TIMEOUT else min(tokens, cap)
        for tokens, reason in AiRequest.objects.filter(pk__in=_recent_model_answers()).values_list(
            "completion_tokens", "finish_reason"
        )
    )
    if len(lengths) < MIN_ANSWERS_FOR_LENGTH:
        return AnswerLengths(long=cap, mean=cap)
    index = math.ceil(ANSWER_LENGTH_QUANTILE * len(lengths)) - 1
    mean = math.ceil(sum(lengths) / len(lengths))
    return AnswerLengths(long=max(lengths[index], 1), mean=max(mean, 1))


def longest_recent_prompt_tokens() -> int | None:
    longest = AiRequest.objects.filter(pk__in=_recent_model_answers()).aggregate(
        longest=Max("prompt_tokens")
    )["longest"]
    return int(longest) if longest else None
