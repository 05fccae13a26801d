import unittest

from climber import minutes_to_top


class HiddenMinutesToTopTests(unittest.TestCase):
    def test_a_ramp_of_length_zero_takes_no_time(self):
        self.assertEqual(minutes_to_top(0, 3, 1), 0)

    def test_a_robot_that_slides_back_too_much_raises_value_error(self):
        with self.assertRaises(ValueError):
            minutes_to_top(10, 2, 2)
        with self.assertRaises(ValueError):
            minutes_to_top(10, 1, 3)

    def test_slipping_does_not_matter_when_one_climb_reaches_the_top(self):
        self.assertEqual(minutes_to_top(5, 5, 9), 1)

    def test_a_very_long_ramp(self):
        self.assertEqual(minutes_to_top(100_000, 3, 2), 99_998)


if __name__ == "__main__":
    unittest.main()
