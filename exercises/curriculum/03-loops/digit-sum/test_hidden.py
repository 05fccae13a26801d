import unittest

from digits import digit_sum, digital_root


class HiddenDigitTests(unittest.TestCase):
    def test_the_digits_of_zero_add_up_to_zero(self):
        self.assertEqual(digit_sum(0), 0)
        self.assertEqual(digital_root(0), 0)

    def test_a_minus_sign_is_ignored(self):
        self.assertEqual(digit_sum(-52), 7)
        self.assertEqual(digital_root(-9875), 2)

    def test_works_for_a_hundred_digit_number(self):
        self.assertEqual(digit_sum(int("9" * 100)), 900)
        self.assertEqual(digital_root(int("9" * 100)), 9)

    def test_zeros_in_the_middle_count_for_nothing(self):
        self.assertEqual(digit_sum(10001), 2)


if __name__ == "__main__":
    unittest.main()
