import os
import tempfile
import unittest

from linenumbers import number_lines


class NumberLinesTests(unittest.TestCase):
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

    def test_numbers_a_short_program(self):
        self.write_source("x = 1\nprint(x)\n")
        number_lines(self.source, self.target)
        self.assertEqual(self.read_target(), "1 | x = 1\n2 | print(x)\n")

    def test_returns_the_number_of_lines(self):
        self.write_source("a\nb\nc\n")
        self.assertEqual(number_lines(self.source, self.target), 3)

    def test_numbers_are_right_aligned_when_there_are_ten_lines_or_more(self):
        self.write_source("".join(f"line {n}\n" for n in range(1, 11)))
        number_lines(self.source, self.target)
        lines = self.read_target().splitlines()
        self.assertEqual(lines[0], " 1 | line 1")
        self.assertEqual(lines[9], "10 | line 10")

    def test_an_existing_target_is_not_overwritten(self):
        self.write_source("new\n")
        with open(self.target, "w", encoding="utf-8") as file:
            file.write("precious\n")
        with self.assertRaises(FileExistsError):
            number_lines(self.source, self.target)
        self.assertEqual(self.read_target(), "precious\n")


if __name__ == "__main__":
    unittest.main()
