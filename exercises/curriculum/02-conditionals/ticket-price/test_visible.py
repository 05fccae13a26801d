import unittest

from tickets import ticket_price


class TicketPriceTests(unittest.TestCase):
    def test_toddlers_go_in_for_free(self):
        self.assertEqual(ticket_price(2, False), 0)

    def test_children_pay_the_child_price(self):
        self.assertEqual(ticket_price(8, False), 6)

    def test_adults_pay_the_full_price(self):
        self.assertEqual(ticket_price(35, False), 12)

    def test_adult_students_get_a_discount(self):
        self.assertEqual(ticket_price(19, True), 9)

    def test_seniors_pay_the_senior_price(self):
        self.assertEqual(ticket_price(70, False), 7)


if __name__ == "__main__":
    unittest.main()
