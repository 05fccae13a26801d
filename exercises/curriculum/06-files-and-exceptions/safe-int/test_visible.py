import unittest

from safeparse import to_int


class ToIntTests(unittest.TestCase):
    def test_converts_a_number_written_as_text(self):
        self.assertEqual(to_int("42"), 42)

    def test_ignores_spaces_around_the_number(self):
        self.assertEqual(to_int(" 4 "), 4)

    def test_text_that_is_not_a_number_gives_zero(self):
        self.assertEqual(to_int("three"), 0)

    def test_the_default_value_can_be_chosen(self):
        self.assertEqual(to_int("three", default=-1), -1)

    def test_a_negative_number_is_converted(self):
        self.assertEqual(to_int("-15"), -15)


if __name__ == "__main__":
    unittest.main()
