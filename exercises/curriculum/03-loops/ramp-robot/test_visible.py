import unittest

from climber import minutes_to_top


class MinutesToTopTests(unittest.TestCase):
    def test_the_example_from_the_statement(self):
        self.assertEqual(minutes_to_top(10, 3, 1), 5)

    def test_one_long_climb_is_enough(self):
        self.assertEqual(minutes_to_top(10, 12, 1), 1)

    def test_a_ramp_without_any_slipping(self):
        self.assertEqual(minutes_to_top(12, 4, 0), 3)

    def test_reaching_the_top_exactly_counts_as_arriving(self):
        self.assertEqual(minutes_to_top(6, 4, 2), 2)


if __name__ == "__main__":
    unittest.main()
