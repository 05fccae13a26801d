"""What the llm worker asks of a model engine: the local one (engine.py, transformers or
llama.cpp in this process) and a model server's (remote.py) both implement it."""

from typing import TYPE_CHECKING, Protocol

from tutor.llm.requests import GenerationRequest, QueueStatus

if TYPE_CHECKING:
    from tutor.llm.engine import EngineStats, RequestHandle


class ServingEngine(Protocol):
    def submit(self, request: GenerationRequest) -> "RequestHandle":
        """Starts (or queues) the request; its handle streams TokenDelta events, then Finished."""
        ...

    def queue_position(self, handle: "RequestHandle") -> QueueStatus: ...

    def stats(self) -> "EngineStats":
        """Waiting and running requests and measured speeds (zeros where nothing is known)."""
        ...

    def close(self, timeout: float = 10.0) -> None: ...
