import unittest

from shapes import Rectangle


class HiddenRectangleTests(unittest.TestCase):
    def test_a_zero_or_negative_size_raises_value_error(self):
        with self.assertRaises(ValueError):
            Rectangle(0, 4)
        with self.assertRaises(ValueError):
            Rectangle(3, -1)

    def test_scaling_by_zero_or_a_negative_factor_raises_value_error(self):
        with self.assertRaises(ValueError):
            Rectangle(3, 4).scaled(0)
        with self.assertRaises(ValueError):
            Rectangle(3, 4).scaled(-2)

    def test_works_with_decimal_sizes(self):
        mat = Rectangle(2.5, 4)
        self.assertEqual(mat.area(), 10.0)
        self.assertEqual(repr(mat), "Rectangle(2.5, 4)")

    def test_scaled_returns_a_rectangle_that_can_be_scaled_again(self):
        tiny = Rectangle(8, 4).scaled(0.5).scaled(0.5)
        self.assertIsInstance(tiny, Rectangle)
        self.assertEqual(repr(tiny), "Rectangle(2.0, 1.0)")

    def test_a_very_large_room(self):
        self.assertEqual(Rectangle(10**6, 10**6).area(), 10**12)


if __name__ == "__main__":
    unittest.main()
