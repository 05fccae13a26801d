import unittest

from countdown import countdown


class HiddenCountdownTests(unittest.TestCase):
    def test_a_negative_start_raises_value_error(self):
        with self.assertRaises(ValueError):
            countdown(-2)

    def test_a_long_countdown_starts_and_ends_correctly(self):
        text = countdown(1000)
        self.assertTrue(text.startswith("1000... 999... 998... "))
        self.assertTrue(text.endswith("3... 2... 1... Liftoff!"))
        self.assertEqual(text.count("..."), 1000)

    def test_there_is_no_trailing_space_after_liftoff(self):
        self.assertEqual(countdown(2), "2... 1... Liftoff!")


if __name__ == "__main__":
    unittest.main()
