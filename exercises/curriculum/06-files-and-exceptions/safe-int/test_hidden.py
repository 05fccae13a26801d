import unittest

from safeparse import to_int


class HiddenToIntTests(unittest.TestCase):
    def test_an_empty_box_gives_the_default(self):
        self.assertEqual(to_int(""), 0)
        self.assertEqual(to_int("   "), 0)

    def test_a_decimal_number_is_not_a_whole_number(self):
        self.assertEqual(to_int("2.5", default=None), None)

    def test_none_gives_the_default_instead_of_crashing(self):
        self.assertEqual(to_int(None, default=7), 7)

    def test_a_very_large_number_is_kept_exactly(self):
        self.assertEqual(to_int("123456789012345678901234567890"), 123456789012345678901234567890)


if __name__ == "__main__":
    unittest.main()
