import unittest

from roman import to_roman


class HiddenToRomanTests(unittest.TestCase):
    def test_the_largest_number_that_can_be_written(self):
        self.assertEqual(to_roman(3999), "MMMCMXCIX")

    def test_every_subtractive_pair(self):
        self.assertEqual(to_roman(40), "XL")
        self.assertEqual(to_roman(90), "XC")
        self.assertEqual(to_roman(400), "CD")
        self.assertEqual(to_roman(944), "CMXLIV")

    def test_zero_negative_and_too_large_numbers_raise_value_error(self):
        for number in (0, -7, 4000):
            with self.assertRaises(ValueError, msg=number):
                to_roman(number)

    def test_no_symbol_is_ever_written_four_times_in_a_row(self):
        for number in range(1, 4000):
            numeral = to_roman(number)
            for symbol in "IXCM":
                self.assertNotIn(symbol * 4, numeral, msg=number)

    def test_every_number_gets_a_different_numeral(self):
        numerals = {to_roman(number) for number in range(1, 4000)}
        self.assertEqual(len(numerals), 3999)


if __name__ == "__main__":
    unittest.main()
