"""The table of answer times the llm worker publishes, from its engine's measurements."""

import pytest

from tutor.assist.answer_speed import SAFETY_FACTOR, answer_speed_from


def test_each_batch_size_costs_its_prompts_prefilled_in_turn_and_every_token_at_its_step_time() -> (
    None
):
    speed = answer_speed_from(
        step_seconds_by_batch={1: 0.05, 2: 0.08},
        prefill_seconds_per_token=0.001,
        slots=2,
        prompt_tokens=300,
        answer_tokens=128,
    )
    assert speed.seconds_by_batch == pytest.approx(
        (SAFETY_FACTOR * (0.3 + 128 * 0.05), SAFETY_FACTOR * (0.6 + 128 * 0.08))
    )
    assert speed.seconds_for(5) == speed.seconds_for(2)  # past the slots: a round at a time
    assert speed.typical_seconds_for(2) == speed.seconds_for(2)  # no typical length given


def test_a_typical_answer_costs_its_own_length_and_the_same_prefill() -> None:
    speed = answer_speed_from(
        step_seconds_by_batch={1: 0.05, 2: 0.08},
        prefill_seconds_per_token=0.001,
        slots=2,
        prompt_tokens=300,
        answer_tokens=128,
        typical_tokens=40,
    )
    assert speed.typical_seconds_by_batch == pytest.approx(
        (SAFETY_FACTOR * (0.3 + 40 * 0.05), SAFETY_FACTOR * (0.6 + 40 * 0.08))
    )
    assert speed.typical_tokens == 40


def test_sizes_not_measured_borrow_from_a_larger_one_or_scale_up_without_batching_gain() -> None:
    speed = answer_speed_from(
        step_seconds_by_batch={2: 0.1, 3: 0.09},  # noisy: fewer rows measured slower
        prefill_seconds_per_token=0.0,
        slots=6,
        prompt_tokens=0,
        answer_tokens=10,
    )
    steps = [seconds / SAFETY_FACTOR / 10 for seconds in speed.seconds_by_batch]
    assert steps == pytest.approx([0.1, 0.1, 0.1, 0.12, 0.15, 0.18])


def test_nothing_measured_gives_no_table() -> None:
    with pytest.raises(ValueError):
        answer_speed_from(
            step_seconds_by_batch={},
            prefill_seconds_per_token=0.001,
            slots=8,
            prompt_tokens=300,
            answer_tokens=128,
        )
