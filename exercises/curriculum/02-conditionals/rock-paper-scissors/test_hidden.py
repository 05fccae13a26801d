import unittest

from duel import winner


class HiddenWinnerTests(unittest.TestCase):
    def test_every_losing_combination_for_player_one(self):
        self.assertEqual(winner("scissors", "rock"), "player 2")
        self.assertEqual(winner("rock", "paper"), "player 2")
        self.assertEqual(winner("paper", "scissors"), "player 2")

    def test_a_draw_is_found_even_when_written_differently(self):
        self.assertEqual(winner("ROCK", " rock "), "draw")

    def test_an_unknown_move_raises_value_error(self):
        with self.assertRaises(ValueError):
            winner("lizard", "rock")

    def test_an_empty_move_for_player_two_raises_value_error(self):
        with self.assertRaises(ValueError):
            winner("rock", "")


if __name__ == "__main__":
    unittest.main()
