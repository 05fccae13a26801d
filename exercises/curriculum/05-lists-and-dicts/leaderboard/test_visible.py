import unittest

from ranking import leaderboard

SCORES = {"Linus": 7, "Ada": 9, "Grace": 9, "Alan": 4}


class LeaderboardTests(unittest.TestCase):
    def test_shows_the_three_best_players_by_default(self):
        self.assertEqual(leaderboard(SCORES), [("Ada", 9), ("Grace", 9), ("Linus", 7)])

    def test_n_chooses_how_many_players_are_shown(self):
        self.assertEqual(leaderboard(SCORES, n=1), [("Ada", 9)])

    def test_the_highest_score_comes_first(self):
        self.assertEqual(leaderboard({"Bob": 3, "Eve": 10}), [("Eve", 10), ("Bob", 3)])

    def test_equal_scores_are_sorted_by_name(self):
        scores = {"Zoe": 5, "Mia": 5, "Ben": 5}
        self.assertEqual(leaderboard(scores), [("Ben", 5), ("Mia", 5), ("Zoe", 5)])


if __name__ == "__main__":
    unittest.main()
