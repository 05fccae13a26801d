"""The comparison itself (plain Python): copies rank first, given code does not count."""

from tests.similarity import class_material as material
from tutor.similarity.engine import Program, Segment, compare_programs, segments, work_units

NAMES = list(material.CLASS)


def programs() -> list[Program]:
    return [Program(key, material.CLASS[name]) for key, name in enumerate(NAMES)]


def pair_names(first: int, second: int) -> frozenset[str]:
    return frozenset({NAMES[first], NAMES[second]})


def test_renamed_and_reordered_copies_rank_first() -> None:
    matches = compare_programs(
        programs(), language="python", excluded=[material.STARTER, material.REFERENCE]
    ).matches
    top = [pair_names(match.first, match.second) for match in matches[:3]]
    assert set(top) == material.COPIED_PAIRS
    for match in matches[:3]:
        assert match.similarity > 0.8, match
    # Every pair of students who worked alone is far below the copies.
    for match in matches[3:]:
        assert match.similarity < 0.5, (pair_names(match.first, match.second), match)


def test_starter_code_and_reference_do_not_count_as_shared() -> None:
    with_reference = [Program(1, material.REFERENCE), Program(2, material.REFERENCE)]
    excluded = [material.STARTER, material.REFERENCE]
    assert compare_programs(with_reference, language="python", excluded=excluded).matches == []
    # Without the exclusion the same two programs are identical.
    (match,) = compare_programs(with_reference, language="python").matches
    assert match.similarity == 1.0
    # Two programs that are only the starter code share nothing once it is excluded.
    starters = [Program(1, material.STARTER), Program(2, material.STARTER + "\n")]
    assert compare_programs(starters, language="python", excluded=excluded).matches == []


def test_spans_mark_the_copied_code_in_each_program() -> None:
    pair = [Program(1, material.ALICE), Program(2, material.RENAMED_COPY)]
    (match,) = compare_programs(pair, language="python", excluded=[material.STARTER]).matches
    shown = segments(material.RENAMED_COPY, match.second_spans)
    assert "".join(piece.text for piece in shown) == material.RENAMED_COPY
    marked = "".join(piece.text for piece in shown if piece.matched)
    assert "tally[token] = tally.get(token, 0) + 1" in marked
    assert "sorted(tally.items()" in marked
    first_marked = "".join(p.text for p in segments(material.ALICE, match.first_spans) if p.matched)
    assert "counts[word] = counts.get(word, 0) + 1" in first_marked


def test_other_languages_are_read_with_their_own_lexer() -> None:
    c_program = """#include <stdio.h>

int sum_of_squares(int n) {
    int total = 0;
    for (int i = 1; i <= n; i++) {
        total += i * i;
    }
    return total;
}

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    printf("%d\\n", sum_of_squares(n));
    return 0;
}
"""
    renamed = c_program.replace("total", "acc").replace("sum_of_squares", "sq").replace("n)", "k)")
    java = """public class Squares {
    public static void main(String[] args) {
        java.util.Scanner in = new java.util.Scanner(System.in);
        long n = in.nextLong();
        System.out.println(n * (n + 1) * (2 * n + 1) / 6);
    }
}
"""
    (match,) = compare_programs([Program(1, c_program), Program(2, renamed)], language="c").matches
    assert match.similarity > 0.9
    assert not compare_programs([Program(1, c_program), Program(2, java)], language="c").matches
    js_a = (
        "function add(a, b) {\n  const result = a + b;\n  console.log(result);\n"
        "  return result;\n}\n"
    )
    js_b = "function plus(x, y) {\n  const out = x + y;\n  console.log(out);\n  return out;\n}\n"
    (match,) = compare_programs([Program(1, js_a), Program(2, js_b)], language="javascript").matches
    assert match.similarity == 1.0


def test_progress_is_reported_up_to_the_whole_work() -> None:
    seen: list[tuple[int, int]] = []
    compare_programs(
        programs(),
        language="python",
        on_progress=lambda done, total: seen.append((done, total)),
        progress_every=10,
    )
    total = work_units(len(NAMES))
    pairs = len(NAMES) * (len(NAMES) - 1) // 2
    assert total == len(NAMES) + 2 * pairs  # read each, screen each pair, compare each pair
    assert seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    # Reading and screening always happen; only pairs that share code get compared.
    assert len(seen) >= (len(NAMES) + pairs) // 10


def test_segments_merge_overlapping_spans_and_keep_every_character() -> None:
    code = "abcdefghij"
    assert segments(code, [(6, 8), (2, 4), (3, 5)]) == [
        Segment("ab", False),
        Segment("cde", True),
        Segment("f", False),
        Segment("gh", True),
        Segment("ij", False),
    ]
    assert segments(code, []) == [Segment(code, False)]
    assert segments("", []) == []


def test_keeping_the_top_pairs_gives_the_exhaustive_comparisons_top() -> None:
    excluded = [material.STARTER, material.REFERENCE]
    every = compare_programs(programs(), language="python", excluded=excluded)
    top = compare_programs(programs(), language="python", excluded=excluded, keep=4)
    assert top.matches == every.matches[:4]
    assert top.pairs_sharing == every.pairs_sharing >= len(every.matches)
