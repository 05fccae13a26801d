import unittest

from shapes import Rectangle


class RectangleTests(unittest.TestCase):
    def test_remembers_its_width_and_height(self):
        table = Rectangle(3, 4)
        self.assertEqual((table.width, table.height), (3, 4))

    def test_area_and_perimeter(self):
        table = Rectangle(3, 4)
        self.assertEqual(table.area(), 12)
        self.assertEqual(table.perimeter(), 14)

    def test_knows_whether_it_is_a_square(self):
        self.assertTrue(Rectangle(5, 5).is_square())
        self.assertFalse(Rectangle(5, 6).is_square())

    def test_scaled_returns_a_bigger_copy_and_keeps_the_original(self):
        table = Rectangle(3, 4)
        bigger = table.scaled(2)
        self.assertEqual((bigger.width, bigger.height), (6, 8))
        self.assertEqual((table.width, table.height), (3, 4))

    def test_repr_looks_like_the_code_that_creates_it(self):
        self.assertEqual(repr(Rectangle(3, 4)), "Rectangle(3, 4)")


if __name__ == "__main__":
    unittest.main()
