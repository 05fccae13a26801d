import unittest

from discounts import make_discount


class HiddenMakeDiscountTests(unittest.TestCase):
    def test_zero_percent_leaves_the_price_unchanged(self):
        self.assertEqual(make_discount(0)(12.5), 12.5)

    def test_one_hundred_percent_makes_it_free(self):
        self.assertEqual(make_discount(100)(80), 0.0)

    def test_a_negative_percentage_is_refused_right_away(self):
        with self.assertRaises(ValueError):
            make_discount(-5)

    def test_a_negative_price_is_refused_by_the_discount_function(self):
        twenty_off = make_discount(20)
        with self.assertRaises(ValueError):
            twenty_off(-3)

    def test_a_fractional_percentage_works(self):
        self.assertEqual(make_discount(12.5)(200), 175.0)
        self.assertEqual(make_discount(20)(19.99), 15.99)


if __name__ == "__main__":
    unittest.main()
