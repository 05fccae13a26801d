import unittest

from roman import to_roman


class ToRomanTests(unittest.TestCase):
    def test_one_is_i(self):
        self.assertEqual(to_roman(1), "I")

    def test_eight_adds_up_symbols(self):
        self.assertEqual(to_roman(8), "VIII")

    def test_four_and_nine_use_subtraction(self):
        self.assertEqual(to_roman(4), "IV")
        self.assertEqual(to_roman(9), "IX")

    def test_the_year_2025(self):
        self.assertEqual(to_roman(2025), "MMXXV")

    def test_1994_uses_three_subtractive_pairs(self):
        self.assertEqual(to_roman(1994), "MCMXCIV")


if __name__ == "__main__":
    unittest.main()
