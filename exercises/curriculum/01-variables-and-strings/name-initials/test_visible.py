import unittest

from initials import initials


class InitialsTests(unittest.TestCase):
    def test_two_lower_case_words_give_two_capital_initials(self):
        self.assertEqual(initials("ada lovelace"), "A.L.")

    def test_three_words_give_three_initials(self):
        self.assertEqual(initials("Grace Brewster Hopper"), "G.B.H.")

    def test_extra_spaces_between_and_around_words_are_ignored(self):
        self.assertEqual(initials("  Grace   Brewster Hopper "), "G.B.H.")

    def test_a_single_name_gives_a_single_initial(self):
        self.assertEqual(initials("Cher"), "C.")


if __name__ == "__main__":
    unittest.main()
