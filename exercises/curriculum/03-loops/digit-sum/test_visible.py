import unittest

from digits import digit_sum, digital_root


class DigitTests(unittest.TestCase):
    def test_digit_sum_adds_up_every_digit(self):
        self.assertEqual(digit_sum(4096), 19)

    def test_digit_sum_of_a_single_digit_is_that_digit(self):
        self.assertEqual(digit_sum(8), 8)

    def test_digital_root_repeats_until_one_digit_is_left(self):
        self.assertEqual(digital_root(4096), 1)

    def test_digital_root_of_a_single_digit_is_that_digit(self):
        self.assertEqual(digital_root(7), 7)

    def test_digital_root_needing_only_one_round(self):
        self.assertEqual(digital_root(123), 6)


if __name__ == "__main__":
    unittest.main()
