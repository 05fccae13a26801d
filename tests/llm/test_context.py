from transformers import StableLmConfig

from tutor.llm.context import (
    LineSpan,
    keep_around_cursor,
    keep_head,
    keep_tail,
    kv_bytes_per_token,
    line_of_offset,
    numbered_lines,
    prompt_token_budget,
    traceback_line,
    trim_lines_around,
)


def count_words(text: str) -> int:
    """A stand-in tokenizer: one token per whitespace-separated word, at least one per line."""
    return sum(max(len(line.split()), 1) for line in text.split("\n"))


def test_stable_code_3b_costs_320_kib_of_kv_cache_per_token_in_fp16() -> None:
    config = StableLmConfig(
        hidden_size=2560, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32
    )

    assert kv_bytes_per_token(config, dtype_bytes=2) == 320 * 1024


def test_kv_cost_uses_the_kv_heads_of_grouped_query_attention() -> None:
    # Qwen2.5-Coder-1.5B: 28 layers, 2 KV heads of 128.
    config = StableLmConfig(
        hidden_size=1536, num_hidden_layers=28, num_attention_heads=12, num_key_value_heads=2
    )

    assert kv_bytes_per_token(config, dtype_bytes=2) == 28 * 2 * 128 * 2 * 2


def test_prompt_budget_is_the_smaller_of_window_and_kv_budget_minus_the_reply() -> None:
    assert prompt_token_budget(16384, 4096, 256) == 3840
    assert prompt_token_budget(2048, 100_000, 256) == 1792
    assert prompt_token_budget(2048, 100_000, 256, max_prompt_tokens=1000) == 1000


def test_trimming_keeps_the_focus_line_and_its_neighbours() -> None:
    lines = numbered_lines("\n".join(f"statement number {n}" for n in range(1, 201)))

    kept = trim_lines_around(lines, LineSpan(120, 120), max_tokens=60, count_tokens=count_words)

    assert count_words(kept) <= 60
    assert "120 | statement number 120" in kept
    assert "119 | statement number 119" in kept
    assert "121 | statement number 121" in kept
    assert "  1 | statement number 1\n" not in kept
    assert kept.startswith("... (lines 1-")
    assert kept.endswith("-200 omitted)")


def test_trimming_keeps_a_whole_selection() -> None:
    lines = [f"line {n}" for n in range(1, 101)]

    kept = trim_lines_around(lines, LineSpan(40, 49), max_tokens=40, count_tokens=count_words)

    assert all(f"line {n}" in kept.split("\n") for n in range(40, 50))


def test_trimming_without_focus_keeps_the_top() -> None:
    lines = [f"line {n}" for n in range(1, 101)]

    kept = trim_lines_around(lines, None, max_tokens=30, count_tokens=count_words)

    assert kept.startswith("line 1\nline 2\n")
    assert "omitted" in kept.split("\n")[-1]


def test_short_code_is_kept_whole() -> None:
    lines = ["a = 1", "b = 2"]

    assert trim_lines_around(lines, LineSpan(2, 2), 100, count_words) == "a = 1\nb = 2"


def test_keep_tail_keeps_the_end_of_a_test_run() -> None:
    output = "\n".join(f"setup line {n}" for n in range(100)) + "\nAssertionError: 3 != 4"

    kept = keep_tail(output, 20, count_words)

    assert kept.endswith("AssertionError: 3 != 4")
    assert kept.startswith("... (")
    assert count_words(kept) <= 20


def test_keep_head_keeps_the_start_of_a_statement() -> None:
    statement = "\n".join(f"Paragraph {n} of the statement." for n in range(50))

    kept = keep_head(statement, 25, count_words)

    assert kept.startswith("Paragraph 0 of the statement.")
    assert count_words(kept) <= 25


def test_fim_context_keeps_code_nearest_the_cursor() -> None:
    before = "\n".join(f"before {n}" for n in range(100)) + "\nresult = "
    after = "\n".join(f"after {n}" for n in range(100))

    kept_before, kept_after = keep_around_cursor(before, after, 40, count_words)

    assert kept_before.endswith("before 99\nresult = ")
    assert kept_after.startswith("after 0\n")
    assert count_words(kept_before) + count_words(kept_after) <= 40
    assert count_words(kept_before) > count_words(kept_after)


def test_traceback_line_points_into_the_student_file() -> None:
    output = (
        "Traceback (most recent call last):\n"
        '  File "/tmp/run/two_fer_test.py", line 12, in test_a_name_given\n'
        "    self.assertEqual(two_fer('Alice'), 'One for Alice, one for me.')\n"
        '  File "/tmp/run/two_fer.py", line 3, in two_fer\n'
        "    return 'One for ' + nme\n"
        "NameError: name 'nme' is not defined\n"
    )

    assert traceback_line(output, "two_fer.py") == 3
    assert traceback_line(output, None) == 3
    assert traceback_line("AssertionError: 1 != 2", None) is None


def test_line_of_offset() -> None:
    code = "a = 1\nb = 2\nc = 3\n"

    assert line_of_offset(code, 0) == 1
    assert line_of_offset(code, code.index("b")) == 2
    assert line_of_offset(code, len(code)) == 4
