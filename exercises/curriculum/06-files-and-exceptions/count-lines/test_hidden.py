import os
import tempfile

from linecount import count_nonblank_lines


def count_in_temporary_file(text):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "report.txt")
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        return count_nonblank_lines(path)


def test_an_empty_file_has_no_lines():
    assert count_in_temporary_file("") == 0


def test_the_last_line_counts_even_without_a_final_newline():
    assert count_in_temporary_file("first\nlast") == 2


def test_lines_with_accents_and_emoji_are_read_correctly():
    assert count_in_temporary_file("Größe: 5 cm\n\nrésultat 🙂\n") == 2


def test_a_long_report_is_counted_completely():
    text = "".join(f"line {n}\n\n" for n in range(10_000))
    assert count_in_temporary_file(text) == 10_000
