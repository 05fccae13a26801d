import os
import tempfile
import unittest

from scorebook import read_scores


class HiddenReadScoresTests(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = os.path.join(folder.name, "sheet.txt")

    def write_sheet(self, text):
        with open(self.path, "w", encoding="utf-8") as file:
            file.write(text)

    def assert_error_on_line(self, number):
        with self.assertRaises(ValueError) as caught:
            read_scores(self.path)
        message = str(caught.exception)
        self.assertTrue(message.startswith(f"line {number}:"), message)

    def test_an_empty_file_gives_an_empty_dictionary(self):
        self.write_sheet("")
        self.assertEqual(read_scores(self.path), {})

    def test_a_line_without_a_colon_names_its_line(self):
        self.write_sheet("Ada: 17\n\nGrace 19\n")
        self.assert_error_on_line(3)

    def test_a_line_with_an_empty_name_or_score_names_its_line(self):
        self.write_sheet(": 12\n")
        self.assert_error_on_line(1)
        self.write_sheet("Ada: 17\nGrace:\n")
        self.assert_error_on_line(2)

    def test_negative_scores_and_accented_names_are_read(self):
        self.write_sheet("Zoë: -2\nJosé: 0\nZoë: -5\n")
        self.assertEqual(read_scores(self.path), {"Zoë": -2, "José": 0})

    def test_a_missing_file_raises_file_not_found_error(self):
        with self.assertRaises(FileNotFoundError):
            read_scores(self.path)


if __name__ == "__main__":
    unittest.main()
