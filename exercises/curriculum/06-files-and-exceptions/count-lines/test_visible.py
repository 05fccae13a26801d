import os
import unittest

from linecount import count_nonblank_lines


class CountNonblankLinesTests(unittest.TestCase):
    def write_file(self, name, text):
        with open(name, "w", encoding="utf-8") as file:
            file.write(text)
        self.addCleanup(os.remove, name)
        return name

    def test_counts_every_line_of_a_file_without_blank_lines(self):
        path = self.write_file("three_lines.txt", "one\ntwo\nthree\n")
        self.assertEqual(count_nonblank_lines(path), 3)

    def test_skips_empty_lines(self):
        path = self.write_file("with_gaps.txt", "one\n\ntwo\n\n\nthree\n")
        self.assertEqual(count_nonblank_lines(path), 3)

    def test_lines_of_only_spaces_and_tabs_are_blank(self):
        text = "Day 1: measured the pendulum\n\n   \t \nDay 2: measured it again\n"
        path = self.write_file("notes.txt", text)
        self.assertEqual(count_nonblank_lines(path), 2)

    def test_a_missing_file_raises_file_not_found_error(self):
        with self.assertRaises(FileNotFoundError):
            count_nonblank_lines("there_is_no_such_file.txt")


if __name__ == "__main__":
    unittest.main()
