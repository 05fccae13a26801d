"""Generate one AI reply in an llm worker: claim, stream the tokens, store the answer."""

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings

from tutor.assist import streams
from tutor.assist.calibration import publish_speed
from tutor.assist.engine import AnswerLimits, ServedModel, answer_limits, get_engine
from tutor.assist.guarding import ReplyGuard, is_echo_block, safe_replacement, stream_guard
from tutor.assist.model_status import publish_engine_status
from tutor.assist.models import AiRequest
from tutor.assist.selectors.admission import admission_at_pickup, completion_seconds_left
from tutor.assist.selectors.prompting import grounded_hint_for, prompt_context_for
from tutor.assist.services import lifecycle
from tutor.assist.services.admission import decline_claimed
from tutor.assist.services.lifecycle import FinishReason
from tutor.assist.services.notifications import notify_delta, notify_started
from tutor.assist.services.shared_answers import remember_answer, serve_at_pickup
from tutor.guard import Verdict
from tutor.llm.embedded import EmbeddedModelMissing
from tutor.llm.engine import RequestHandle
from tutor.llm.loading import ModelInfo, ModelLoadError
from tutor.llm.prompts import BuiltPrompt, PromptError, Task
from tutor.llm.remote_prompts import ChatPrompt
from tutor.llm.remote_prompts import build_any_prompt as build_prompt
from tutor.llm.requests import Finished, QueueStatus, TokenDelta
from tutor.llm.serving import ServingEngine
from tutor.llm.streaming import TokenCoalescer

logger = logging.getLogger(__name__)

# How often the worker thread looks up from the token stream: cancel flag, flush.
CHECK_EVERY_SECONDS = 0.25
# The heartbeat goes on this long past the engine's deadline: the guard's last sandbox run and
# storing the answer come after it.
BEAT_MARGIN_SECONDS = 60


def generate_reply(request_id: int) -> None:
    # The model first: while it loads (a minute for a big one) the request stays queued, and
    # the student sees a queue position rather than a running answer with no heartbeat.
    try:
        engine, loaded = get_engine()
    except (ModelLoadError, EmbeddedModelMissing) as error:
        logger.error("No model for AI request %s: %s", request_id, error)
        lifecycle.fail(request_id, f"The tutor's model is not available on this server: {error}")
        return
    ai_request = lifecycle.claim(request_id)
    if ai_request is None:
        return
    with streams.beating(request_id, settings.LLM_REQUEST_SECONDS + BEAT_MARGIN_SECONDS):
        _answer(ai_request, engine, loaded)
    publish_engine_status(engine, loaded.info, ask_server=False)
    publish_speed(engine)


def _answer(ai_request: AiRequest, engine: ServingEngine, loaded: ServedModel) -> None:
    request_id = ai_request.pk
    if serve_at_pickup(ai_request):
        return
    notify_started(request_id)
    prompt_context = prompt_context_for(ai_request)
    limits = _limits(ai_request)
    try:
        prompt = build_prompt(
            loaded,
            Task(ai_request.kind),
            prompt_context,
            max_new_tokens=limits.max_new_tokens,
            max_prompt_tokens=limits.max_prompt_tokens,
            style=limits.style,
        )
    except PromptError as error:
        lifecycle.fail(request_id, f"The tutor cannot answer this: {error}")
        return
    _record_what_the_model_saw(ai_request, loaded.info, prompt_context.test_output)
    guard = stream_guard(ai_request.exercise, str(ai_request.context.get("code", "")))
    if not settings.LLM_MODEL_PATH:
        # The embedded demo model cannot tell where a bug is; the evidence of the student's
        # Run can. Its level 2 hint is written by code from that evidence, true by construction.
        hint = grounded_hint_for(ai_request)
        if hint is not None:
            _store(ai_request, _answer_from_evidence(ai_request, hint, guard))
            return
    if ai_request.kind == AiRequest.Kind.COMPLETE:
        _complete(ai_request, engine, prompt, guard)
        return
    if not ai_request.context.get("wait"):
        # Its wait may have made it too late (selectors/admission.py): the authored hint now
        # rather than an answer stopped at its deadline.
        admission = admission_at_pickup(ai_request, running=engine.stats().running)
        if not admission.admitted:
            decline_claimed(ai_request, admission)
            return
    # A safety net for a stuck or misjudged answer: an admitted one ends well before it.
    handle = engine.submit(prompt.request(deadline_seconds=settings.LLM_REQUEST_SECONDS))
    answer = _stream(request_id, handle, guard)
    _store(ai_request, answer)


def _complete(
    ai_request: AiRequest,
    engine: ServingEngine,
    prompt: BuiltPrompt | ChatPrompt,
    guard: ReplyGuard,
) -> None:
    """Inline completion's lane: ahead of every hint in the engine, and only while the student
    can still use it; a late one is dropped unseen (it costs them nothing)."""
    seconds_left = completion_seconds_left(ai_request)
    if seconds_left <= 0:
        lifecycle.finish(ai_request, FinishReason.LATE)
        return
    handle = engine.submit(prompt.request(deadline_seconds=seconds_left, urgent=True))
    answer = _stream(ai_request.pk, handle, guard)
    if answer.finished.reason == FinishReason.TIMEOUT:
        ai_request.completion_tokens = answer.finished.completion_tokens
        lifecycle.finish(ai_request, FinishReason.LATE)
        return
    _store(ai_request, answer)


def _limits(ai_request: AiRequest) -> AnswerLimits:
    return answer_limits(completion=ai_request.kind == AiRequest.Kind.COMPLETE)


def _record_what_the_model_saw(ai_request: AiRequest, info: ModelInfo, test_output: str) -> None:
    """For the AI log: the model and its settings, and the failing tests it was shown."""
    ai_request.model_name = info.source_path.name
    ai_request.model_settings = {
        "precision": info.precision,
        "device": info.device,
        "max_new_tokens": _limits(ai_request).max_new_tokens,
        "prompt_style": _limits(ai_request).style,
        "temperature": 0.0,
        "deadline_seconds": settings.LLM_REQUEST_SECONDS,
    }
    if test_output:
        ai_request.context["test_output"] = test_output
    ai_request.save(update_fields=["model_name", "model_settings", "context"])


@dataclass
class _Outbox:
    """Sends text to the browsers: the first piece at once, later ones coalesced."""

    request_id: int
    coalescer: TokenCoalescer = field(default_factory=TokenCoalescer)
    seq: int = 0

    def add(self, text: str) -> None:
        chunk = text if self.seq == 0 else self.coalescer.add(text)
        if chunk:
            self._send(chunk)

    def flush(self) -> None:
        chunk = self.coalescer.flush()
        if chunk:
            self._send(chunk)

    def _send(self, chunk: str) -> None:
        self.seq += 1
        streams.append_partial(self.request_id, self.seq, chunk)
        notify_delta(self.request_id, self.seq, chunk)


@dataclass(frozen=True)
class GuardedAnswer:
    finished: Finished
    verdict: Verdict


def _stream(request_id: int, handle: RequestHandle, guard: ReplyGuard) -> GuardedAnswer:
    """Relays the engine's text through the guard: only what it releases reaches the student."""
    outbox = _Outbox(request_id)
    next_check = 0.0
    for event in handle.events(status_every_seconds=CHECK_EVERY_SECONDS):
        if isinstance(event, Finished):
            final = guard.finish()
            outbox.add(final.rest)
            outbox.flush()
            return GuardedAnswer(event, final.verdict)
        if isinstance(event, TokenDelta):
            outbox.add(guard.push(without_nul(event.text)))
            if guard.blocked:
                handle.cancel()
        elif isinstance(event, QueueStatus):
            outbox.flush()
        if time.monotonic() >= next_check:
            next_check = time.monotonic() + CHECK_EVERY_SECONDS
            if streams.is_cancel_requested(request_id) or not streams.is_watched(request_id):
                handle.cancel()
    raise AssertionError("RequestHandle.events() always ends with Finished")


def _answer_from_evidence(ai_request: AiRequest, hint: str, guard: ReplyGuard) -> GuardedAnswer:
    """Sends a hint written from the Run's evidence through the same guard and stream."""
    started = time.monotonic()
    outbox = _Outbox(ai_request.pk)
    outbox.add(guard.push(hint))
    final = guard.finish()
    outbox.add(final.rest)
    outbox.flush()
    ai_request.model_settings = {**ai_request.model_settings, "written_from_evidence": True}
    seconds = time.monotonic() - started
    return GuardedAnswer(Finished("stop", hint, 0, 0, seconds, seconds), final.verdict)


def _store(ai_request: AiRequest, answer: GuardedAnswer) -> None:
    finished, verdict = answer.finished, answer.verdict
    ai_request.reply = without_nul(_reply_text(ai_request, answer))
    reason = FinishReason(finished.reason)
    if verdict.verdict == "block":
        # The guard stopped the answer on purpose: the student gets a complete, safe reply.
        reason = FinishReason.GUARD
    ai_request.guard_verdict = verdict.verdict
    ai_request.guard_reason = verdict.reason
    ai_request.guard_findings = verdict.to_dict()["findings"]
    ai_request.prompt_tokens = finished.prompt_tokens
    ai_request.completion_tokens = finished.completion_tokens
    ai_request.duration_ms = round(finished.total_seconds * 1000)
    if finished.first_token_seconds is not None:
        ai_request.first_token_ms = round(finished.first_token_seconds * 1000)
    failed = lifecycle.STATUS_BY_REASON[reason] == AiRequest.Status.FAILED
    if verdict.verdict != "allow":
        logger.info("guard %s on AI request %s: %s", verdict.verdict, ai_request.pk, verdict.reason)
    lifecycle.finish(
        ai_request,
        reason,
        error_message=_failure_message(ai_request, finished) if failed else "",
    )
    remember_answer(ai_request)


def _reply_text(ai_request: AiRequest, answer: GuardedAnswer) -> str:
    if answer.verdict.verdict == "block":
        if is_echo_block(answer.verdict):
            return answer.verdict.redacted_text
        return safe_replacement(ai_request.exercise, ai_request.hint_level)
    if answer.verdict.verdict == "redact":
        return answer.verdict.redacted_text
    return answer.finished.text


def without_nul(text: str) -> str:
    """A model can write a NUL character (a byte-fallback token); PostgreSQL text cannot hold
    one, and no student needs it."""
    return text.replace("\x00", "")


def _failure_message(ai_request: AiRequest, finished: Finished) -> str:
    if finished.reason == FinishReason.TIMEOUT:
        return "The answer took too long and was stopped."
    logger.error("AI request %s failed in the engine: %s", ai_request.pk, finished.error)
    return "The tutor failed while answering. Please ask again."
