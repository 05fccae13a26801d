import unittest

from ranking import leaderboard


class HiddenLeaderboardTests(unittest.TestCase):
    def test_no_players_gives_an_empty_leaderboard(self):
        self.assertEqual(leaderboard({}), [])

    def test_asking_for_more_players_than_there_are_lists_everyone(self):
        self.assertEqual(leaderboard({"Ada": 2, "Bob": 8}, n=10), [("Bob", 8), ("Ada", 2)])

    def test_zero_or_a_negative_n_gives_an_empty_list(self):
        self.assertEqual(leaderboard({"Ada": 2}, n=0), [])
        self.assertEqual(leaderboard({"Ada": 2}, n=-1), [])

    def test_negative_scores_rank_below_zero(self):
        scores = {"Ada": -5, "Bob": 0, "Cy": -1}
        self.assertEqual(leaderboard(scores), [("Bob", 0), ("Cy", -1), ("Ada", -5)])

    def test_the_scores_dictionary_is_not_changed(self):
        scores = {"Bob": 1, "Ada": 2}
        leaderboard(scores)
        self.assertEqual(list(scores.items()), [("Bob", 1), ("Ada", 2)])


if __name__ == "__main__":
    unittest.main()
