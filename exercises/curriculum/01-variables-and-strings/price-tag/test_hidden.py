import unittest

from pricetag import price_tag


class HiddenPriceTagTests(unittest.TestCase):
    def test_a_free_item_costs_zero_dollars(self):
        self.assertEqual(price_tag("Sticker", 0), "Sticker: $0.00")

    def test_millions_get_two_commas(self):
        self.assertEqual(price_tag("Telescope", 123456789), "Telescope: $1,234,567.89")

    def test_item_names_with_accents_are_kept_as_they_are(self):
        self.assertEqual(price_tag("Café au lait", 275), "Café au lait: $2.75")

    def test_ninety_nine_cents_stays_below_one_dollar(self):
        self.assertEqual(price_tag("Pencil", 99), "Pencil: $0.99")


if __name__ == "__main__":
    unittest.main()
