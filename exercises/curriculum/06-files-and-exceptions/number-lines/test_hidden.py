import os
import tempfile
import unittest

from linenumbers import number_lines


class HiddenNumberLinesTests(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.source = os.path.join(folder.name, "program.py")
        self.target = os.path.join(folder.name, "numbered.txt")

    def write_source(self, text):
        with open(self.source, "w", encoding="utf-8") as file:
            file.write(text)

    def read_target(self):
        with open(self.target, encoding="utf-8") as file:
            return file.read()

    def test_a_missing_source_raises_and_creates_no_target(self):
        with self.assertRaises(FileNotFoundError):
            number_lines(self.source, self.target)
        self.assertFalse(os.path.exists(self.target))

    def test_an_empty_source_gives_an_empty_target(self):
        self.write_source("")
        self.assertEqual(number_lines(self.source, self.target), 0)
        self.assertEqual(self.read_target(), "")

    def test_a_last_line_without_newline_still_gets_a_number_and_a_newline(self):
        self.write_source("first\nlast")
        number_lines(self.source, self.target)
        self.assertEqual(self.read_target(), "1 | first\n2 | last\n")

    def test_blank_lines_and_unicode_are_kept(self):
        self.write_source("print('héllo')\n\n# ✓ done\n")
        number_lines(self.source, self.target)
        self.assertEqual(self.read_target(), "1 | print('héllo')\n2 | \n3 | # ✓ done\n")

    def test_a_thousand_lines_use_four_character_numbers(self):
        self.write_source("x\n" * 1000)
        self.assertEqual(number_lines(self.source, self.target), 1000)
        lines = self.read_target().splitlines()
        self.assertEqual(lines[0], "   1 | x")
        self.assertEqual(lines[-1], "1000 | x")


if __name__ == "__main__":
    unittest.main()
