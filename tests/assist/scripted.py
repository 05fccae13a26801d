"""An engine that writes a given text: the answer pipeline on scripted model output."""

from collections.abc import Iterator

from tutor.assist.engine import get_engine
from tutor.llm.requests import Event, Finished, GenerationRequest, TokenDelta


class ScriptedHandle:
    def __init__(self, text: str) -> None:
        self.text = text
        self.cancelled = False

    def events(self, status_every_seconds: float | None = None) -> Iterator[Event]:
        sent = ""
        for start in range(0, len(self.text), 7):
            if self.cancelled:
                break
            sent += self.text[start : start + 7]
            yield TokenDelta(self.text[start : start + 7])
        yield Finished(
            "cancelled" if self.cancelled else "stop", sent, 40, len(sent) // 4, 0.01, 0.2
        )

    def cancel(self) -> None:
        self.cancelled = True


class ScriptedEngine:
    def __init__(self, text: str) -> None:
        self.text = text

    def submit(self, request: GenerationRequest) -> ScriptedHandle:
        return ScriptedHandle(self.text)

    def stats(self) -> object:
        return get_engine()[0].stats()
