import unittest

from pricetag import price_tag


class PriceTagTests(unittest.TestCase):
    def test_shows_dollars_and_cents(self):
        self.assertEqual(price_tag("Notebook", 350), "Notebook: $3.50")

    def test_pads_a_small_number_of_cents_with_a_zero(self):
        self.assertEqual(price_tag("Eraser", 5), "Eraser: $0.05")

    def test_a_whole_number_of_dollars_still_shows_two_zeros(self):
        self.assertEqual(price_tag("Calculator", 1200), "Calculator: $12.00")

    def test_thousands_are_separated_by_a_comma(self):
        self.assertEqual(price_tag("Laptop", 129999), "Laptop: $1,299.99")


if __name__ == "__main__":
    unittest.main()
