import unittest

from grading import letter_grade


class HiddenLetterGradeTests(unittest.TestCase):
    def test_the_plus_starts_exactly_at_a_last_digit_of_seven(self):
        self.assertEqual(letter_grade(86), "B")
        self.assertEqual(letter_grade(87), "B+")
        self.assertEqual(letter_grade(69), "D+")

    def test_a_and_f_never_get_a_plus(self):
        self.assertEqual(letter_grade(99), "A")
        self.assertEqual(letter_grade(100), "A")
        self.assertEqual(letter_grade(59), "F")
        self.assertEqual(letter_grade(57), "F")

    def test_the_lowest_score_of_each_group(self):
        self.assertEqual(letter_grade(90), "A")
        self.assertEqual(letter_grade(80), "B")
        self.assertEqual(letter_grade(70), "C")
        self.assertEqual(letter_grade(60), "D")
        self.assertEqual(letter_grade(0), "F")

    def test_a_negative_score_raises_value_error(self):
        with self.assertRaises(ValueError):
            letter_grade(-5)

    def test_a_score_above_one_hundred_raises_value_error(self):
        with self.assertRaises(ValueError):
            letter_grade(101)


if __name__ == "__main__":
    unittest.main()
