from tutor.llm.loading import LoadedModel
from tutor.llm.requests import Event, Finished, QueueStatus, TokenDelta
from tutor.llm.streaming import (
    IncrementalDecoder,
    StopStringMatcher,
    TokenCoalescer,
    coalesce,
)

# Characters the tiny tokenizer never saw in training: each is split into byte tokens.
MULTI_BYTE = "naïve café → 🎉 日本語 done"


def test_incremental_decoding_never_splits_a_character(chat_model: LoadedModel) -> None:
    token_ids = chat_model.tokenizer(MULTI_BYTE, add_special_tokens=False)["input_ids"]
    assert len(token_ids) > len(MULTI_BYTE)  # so some characters span several tokens
    decoder = IncrementalDecoder(chat_model.tokenizer)

    deltas = [decoder.push(token) for token in token_ids]

    assert "".join(deltas) == MULTI_BYTE
    assert not any("\ufffd" in delta for delta in deltas)
    # One byte token of an emoji releases nothing until the character is complete.
    assert "" in deltas


def test_peek_tells_what_push_would_release_and_changes_nothing(chat_model: LoadedModel) -> None:
    token_ids = chat_model.tokenizer(MULTI_BYTE, add_special_tokens=False)["input_ids"]
    decoder = IncrementalDecoder(chat_model.tokenizer)

    for token in token_ids:
        peeked = decoder.peek(token)
        assert decoder.peek(token) == peeked
        assert decoder.push(token) == peeked


def test_token_by_token_decode_would_break_the_text(chat_model: LoadedModel) -> None:
    token_ids = chat_model.tokenizer(MULTI_BYTE, add_special_tokens=False)["input_ids"]

    naive = "".join(str(chat_model.tokenizer.decode([token])) for token in token_ids)

    assert naive != MULTI_BYTE


def test_stop_string_split_across_deltas_is_held_back_then_cut() -> None:
    matcher = StopStringMatcher(["<|im_end|>", "\n\n"])

    assert matcher.push("Hello <|im") == ("Hello ", False)
    assert matcher.push("_en") == ("", False)
    assert matcher.push("d|> ignored") == ("", True)


def test_held_back_text_is_released_when_it_is_not_a_stop() -> None:
    matcher = StopStringMatcher(["<|im_end|>"])

    assert matcher.push("a <|i") == ("a ", False)
    assert matcher.push("s it?") == ("<|is it?", False)
    assert matcher.push("tail <") == ("tail ", False)
    assert matcher.flush() == "<"


def test_earliest_stop_string_wins() -> None:
    matcher = StopStringMatcher(["END", "\n"])

    assert matcher.push("one\ntwo END") == ("one", True)


def test_coalescer_flushes_every_n_deltas() -> None:
    coalescer = TokenCoalescer(max_deltas=3, max_delay_seconds=10)

    assert [coalescer.add(text) for text in "abcdefg"] == [
        None,
        None,
        "abc",
        None,
        None,
        "def",
        None,
    ]
    assert coalescer.flush() == "g"
    assert coalescer.flush() is None


def test_coalescer_flushes_pending_text_once_it_is_old_enough() -> None:
    now = [0.0]
    coalescer = TokenCoalescer(max_deltas=100, max_delay_seconds=0.05, clock=lambda: now[0])

    assert coalescer.add("a") is None
    now[0] = 0.03
    assert coalescer.add("b") is None
    now[0] = 0.06
    assert coalescer.add("c") == "abc"


def test_coalesce_keeps_text_and_passes_other_events_through() -> None:
    finished = Finished("length", "abcde", 3, 5, 0.1, 0.5)
    status = QueueStatus("waiting", 1, 2.0)
    events: list[Event] = [status, *(TokenDelta(c) for c in "abcde"), finished]

    out = list(coalesce(events, TokenCoalescer(max_deltas=2, max_delay_seconds=10)))

    assert out == [status, TokenDelta("ab"), TokenDelta("cd"), TokenDelta("e"), finished]
