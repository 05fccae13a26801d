import unittest

from summary import summarize


class SummarizeTests(unittest.TestCase):
    def test_returns_smallest_largest_and_mean(self):
        self.assertEqual(summarize([4, 8, 6]), (4, 8, 6.0))

    def test_the_result_can_be_unpacked_into_three_variables(self):
        lowest, highest, average = summarize([15, 9, 12, 20])
        self.assertEqual(lowest, 9)
        self.assertEqual(highest, 20)
        self.assertEqual(average, 14.0)

    def test_a_single_number_is_smallest_largest_and_mean(self):
        self.assertEqual(summarize([7]), (7, 7, 7.0))

    def test_an_empty_list_raises_value_error(self):
        with self.assertRaises(ValueError):
            summarize([])


if __name__ == "__main__":
    unittest.main()
