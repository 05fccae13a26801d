import unittest

from discounts import make_discount


class MakeDiscountTests(unittest.TestCase):
    def test_ten_percent_off_fifty_is_forty_five(self):
        ten_off = make_discount(10)
        self.assertEqual(ten_off(50), 45.0)

    def test_the_result_is_rounded_to_cents(self):
        ten_off = make_discount(10)
        self.assertEqual(ten_off(19.99), 17.99)

    def test_each_discount_function_keeps_its_own_percentage(self):
        ten_off = make_discount(10)
        half_price = make_discount(50)
        self.assertEqual(half_price(50), 25.0)
        self.assertEqual(ten_off(50), 45.0)

    def test_a_percentage_above_one_hundred_is_refused_right_away(self):
        with self.assertRaises(ValueError):
            make_discount(120)


if __name__ == "__main__":
    unittest.main()
