import unittest

from summary import summarize


class HiddenSummarizeTests(unittest.TestCase):
    def test_negative_numbers(self):
        self.assertEqual(summarize([-3, -10, 1]), (-10, 1, -4.0))

    def test_works_with_a_tuple_and_with_decimals(self):
        self.assertEqual(summarize((2.5, 0.5, 1.5)), (0.5, 2.5, 1.5))

    def test_an_empty_tuple_raises_value_error(self):
        with self.assertRaises(ValueError):
            summarize(())

    def test_two_hundred_thousand_numbers(self):
        self.assertEqual(summarize(list(range(1, 200_001))), (1, 200_000, 100_000.5))


if __name__ == "__main__":
    unittest.main()
