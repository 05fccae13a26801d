import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutor.assist.model_status import read_status

DEVICES = ("auto", "cuda", "mps", "cpu")
PRECISIONS = ("auto", "bf16", "fp16", "fp32", "int8", "nf4")
BACKENDS = ("auto", "transformers", "llamacpp")
CHECK_PROMPT = "def is_even(number):\n    "


class Command(BaseCommand):
    help = "The tutor's model: what the llm worker has loaded, try a model, install one."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("status", help="What the llm worker has loaded, and how busy it is")
        check = actions.add_parser("check", help="Load a model here and time a short generation")
        check.add_argument("path", type=Path, help="A model folder or .gguf file")
        check.add_argument("--device", choices=DEVICES, default="auto")
        check.add_argument("--precision", choices=PRECISIONS, default="auto")
        check.add_argument("--backend", choices=BACKENDS, default="auto")
        check.add_argument("--tokens", type=int, default=32, help="Tokens to generate")
        install = actions.add_parser(
            "install", help="Copy a model from removable media into the models folder"
        )
        install.add_argument("source", type=Path, help="A model folder or .gguf file")
        install.add_argument("--name", help="Folder name under the models folder")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "status":
            self._status()
        elif action == "check":
            self._check(
                options["path"],
                options["device"],
                options["precision"],
                options["backend"],
                options["tokens"],
            )
        else:
            self._install(options["source"], options["name"])

    def _status(self) -> None:
        status = read_status()
        if status is None:
            configured = settings.LLM_MODEL_PATH or "the embedded demo model"
            self.stdout.write(
                f"No llm worker has reported yet (is it running?). Configured model: {configured}"
            )
            return
        stats = status["stats"]
        gone = " (STALE: the worker has not reported for a while)" if status["stale"] else ""
        self.stdout.write(
            "\n".join(
                [
                    f"model:        {status['source_path']}{gone}",
                    f"architecture: {status['architecture']} ({status['model_type']})",
                    f"parameters:   {status['parameter_count'] / 1e9:.2f} B",
                    f"precision:    {status['precision']} ({status['precision_reason']})",
                    f"backend:      {status.get('backend', 'transformers')} "
                    f"({status.get('backend_reason', '')})",
                    f"device:       {status['device']}",
                    f"memory:       {status['memory_bytes'] / 2**30:.2f} GiB",
                    f"context:      {status['context_window']} tokens",
                    f"queue:        {stats['waiting']} waiting, {stats['running']} running",
                    f"speed:        {stats['decode_steps_per_second']:.1f} decode steps/s",
                    *_admission_lines(),
                    *_server_lines(status.get("server")),
                ]
            )
        )

    def _check(self, path: Path, device: str, precision: str, backend: str, tokens: int) -> None:
        from tutor.assist.engine import configured_llamacpp_options
        from tutor.llm.engine import Engine
        from tutor.llm.loading import ModelLoadError, ModelSpec, load_model
        from tutor.llm.requests import GenerationRequest

        try:
            loaded = load_model(
                ModelSpec(
                    path,
                    device=device,  # type: ignore[arg-type]
                    precision=precision,  # type: ignore[arg-type]
                    backend=backend,  # type: ignore[arg-type]
                    llamacpp=configured_llamacpp_options(),
                )
            )
        except ModelLoadError as error:
            raise CommandError(str(error)) from error
        info = loaded.info
        self.stdout.write(
            f"loaded {info.architecture}, {info.parameter_count / 1e6:.0f}M parameters, "
            f"{info.precision} on {info.device} in {info.load_seconds:.1f} s "
            f"({info.precision_reason}; {info.backend_reason}); "
            f"chat template: {info.has_chat_template}, "
            f"fill-in-the-middle: {info.fim_tokens is not None}"
        )
        with Engine(loaded, max_batch_size=1) as engine:
            started = time.monotonic()
            result = engine.submit(
                GenerationRequest(prompt=CHECK_PROMPT, max_new_tokens=tokens, deadline_seconds=600)
            ).result()
        if result.reason == "error":
            raise CommandError(f"generation failed: {result.error}")
        decode_seconds = result.total_seconds - (result.first_token_seconds or 0)
        rate = (result.completion_tokens - 1) / decode_seconds if decode_seconds > 0 else 0.0
        self.stdout.write(f"{CHECK_PROMPT}{result.text}")
        self.stdout.write(
            f"{result.completion_tokens} tokens in {time.monotonic() - started:.2f} s; "
            f"first token after {result.first_token_seconds or 0:.2f} s; {rate:.1f} tokens/s"
        )

    def _install(self, source: Path, name: str | None) -> None:
        from tutor.llm.install import ModelInstallError, install_model

        try:
            target = install_model(source, settings.LLM_MODELS_DIR, name)
        except ModelInstallError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Installed {target}.")
        self.stdout.write(f"Use it: set LABTUTOR_MODEL={target} and restart the llm worker.")


def _server_lines(server: dict[str, Any] | None) -> list[str]:
    """A model server's own word (LABTUTOR_MODEL_BACKEND=openai), as last asked."""
    if server is None:
        return []
    if not server.get("reachable"):
        return [f"server:       UNREACHABLE ({server.get('error', '')})"]
    error = f"; {server['error']}" if server.get("error") else ""
    return [
        f"server:       reachable, {server.get('latency_ms', 0):.0f} ms{error}",
        f"serves:       {', '.join(server.get('models', [])) or '(no models listed)'}",
    ]


def _admission_lines() -> list[str]:
    """What admission goes by (tutor/assist/answer_speed.py): a whole answer's seconds."""
    from tutor.assist.answer_speed import read_answer_speed
    from tutor.assist.selectors.admission import ANSWER_LENGTH_QUANTILE, MIN_ANSWERS_FOR_LENGTH

    speed = read_answer_speed()
    if speed is None:
        return ["admission:    no speed measured yet (recent answers stand in)"]
    return [
        f"admission:    an answer of {speed.answer_tokens} tokens after a "
        f"{speed.prompt_tokens}-token prompt takes about {speed.seconds_for(1):.0f} s alone, "
        f"{speed.seconds_for(speed.slots):.0f} s with {speed.slots} together",
        f"              (the longest of {ANSWER_LENGTH_QUANTILE:.0%} of the recent answers, or the "
        f"cap before there are {MIN_ANSWERS_FOR_LENGTH}; answers in line count as "
        f"{speed.typical_tokens or speed.answer_tokens} tokens, "
        f"{speed.typical_seconds_for(speed.slots):.0f} s with {speed.slots} together)",
    ]
