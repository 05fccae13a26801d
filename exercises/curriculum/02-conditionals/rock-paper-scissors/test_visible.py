import unittest

from duel import winner


class WinnerTests(unittest.TestCase):
    def test_rock_beats_scissors(self):
        self.assertEqual(winner("rock", "scissors"), "player 1")

    def test_scissors_beat_paper(self):
        self.assertEqual(winner("paper", "scissors"), "player 2")

    def test_paper_beats_rock(self):
        self.assertEqual(winner("paper", "rock"), "player 1")

    def test_the_same_move_is_a_draw(self):
        self.assertEqual(winner("paper", "paper"), "draw")

    def test_capitals_and_spaces_around_a_move_are_ignored(self):
        self.assertEqual(winner("  Scissors", "PAPER "), "player 1")


if __name__ == "__main__":
    unittest.main()
