import unittest

from clicker import ClickCounter


class HiddenClickCounterTests(unittest.TestCase):
    def test_reset_goes_back_to_the_starting_number(self):
        door = ClickCounter(start=5)
        for _ in range(3):
            door.click()
        door.reset()
        self.assertEqual(door.count, 5)

    def test_two_counters_do_not_share_their_count(self):
        front = ClickCounter()
        back = ClickCounter()
        front.click()
        front.click()
        back.click()
        self.assertEqual((front.count, back.count), (2, 1))

    def test_a_negative_start_raises_value_error(self):
        with self.assertRaises(ValueError):
            ClickCounter(start=-1)

    def test_many_clicks_are_all_counted(self):
        # Each click crosses from the tests' process to the student's (~0.1 ms, more on a busy
        # lab server): 10,000 of them once ran past the time limit under load.
        door = ClickCounter()
        for _ in range(1_000):
            door.click()
        self.assertEqual(door.count, 1_000)


if __name__ == "__main__":
    unittest.main()
