import unittest

from tickets import ticket_price


class HiddenTicketPriceTests(unittest.TestCase):
    def test_the_age_group_boundaries(self):
        self.assertEqual(ticket_price(3, False), 0)
        self.assertEqual(ticket_price(4, False), 6)
        self.assertEqual(ticket_price(12, False), 6)
        self.assertEqual(ticket_price(13, False), 12)
        self.assertEqual(ticket_price(64, False), 12)
        self.assertEqual(ticket_price(65, False), 7)

    def test_a_student_card_does_not_change_child_or_senior_prices(self):
        self.assertEqual(ticket_price(10, True), 6)
        self.assertEqual(ticket_price(70, True), 7)
        self.assertEqual(ticket_price(1, True), 0)

    def test_a_newborn_is_free(self):
        self.assertEqual(ticket_price(0, False), 0)

    def test_a_negative_age_raises_value_error(self):
        with self.assertRaises(ValueError):
            ticket_price(-1, False)


if __name__ == "__main__":
    unittest.main()
