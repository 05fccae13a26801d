import unittest

from grading import letter_grade


class LetterGradeTests(unittest.TestCase):
    def test_ninety_three_is_an_a(self):
        self.assertEqual(letter_grade(93), "A")

    def test_eighty_two_is_a_plain_b(self):
        self.assertEqual(letter_grade(82), "B")

    def test_seventy_eight_is_a_c_plus(self):
        self.assertEqual(letter_grade(78), "C+")

    def test_sixty_one_is_a_plain_d(self):
        self.assertEqual(letter_grade(61), "D")

    def test_forty_five_is_an_f(self):
        self.assertEqual(letter_grade(45), "F")


if __name__ == "__main__":
    unittest.main()
