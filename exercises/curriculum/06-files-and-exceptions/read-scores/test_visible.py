import os
import unittest

from scorebook import read_scores

SHEET = "scores.txt"


class ReadScoresTests(unittest.TestCase):
    def write_sheet(self, text):
        with open(SHEET, "w", encoding="utf-8") as file:
            file.write(text)
        self.addCleanup(os.remove, SHEET)

    def test_reads_one_score_per_line(self):
        self.write_sheet("Ada: 17\nGrace: 19\n")
        self.assertEqual(read_scores(SHEET), {"Ada": 17, "Grace": 19})

    def test_ignores_spaces_around_names_and_scores(self):
        self.write_sheet("  Linus :  12 \n")
        self.assertEqual(read_scores(SHEET), {"Linus": 12})

    def test_skips_blank_lines_and_comments(self):
        self.write_sheet("# Practical 3 - pendulums\n\nAda: 17\n\n")
        self.assertEqual(read_scores(SHEET), {"Ada": 17})

    def test_keeps_the_highest_score_of_a_student(self):
        self.write_sheet("Ada: 15\nAda: 17\nAda: 16\n")
        self.assertEqual(read_scores(SHEET), {"Ada": 17})

    def test_a_score_that_is_not_a_number_names_its_line(self):
        self.write_sheet("Ada: 17\n# retakes\nLinus: twelve\n")
        with self.assertRaises(ValueError) as caught:
            read_scores(SHEET)
        self.assertTrue(str(caught.exception).startswith("line 3:"), str(caught.exception))


if __name__ == "__main__":
    unittest.main()
