import os
import unittest

from wordfreq import top_words

ESSAY = "essay.txt"


class TopWordsTests(unittest.TestCase):
    def write_essay(self, text):
        with open(ESSAY, "w", encoding="utf-8") as file:
            file.write(text)
        self.addCleanup(os.remove, ESSAY)

    def test_the_example_from_the_statement(self):
        self.write_essay("The cat sat. The cat napped!\nThen the dog came - and the cat ran.\n")
        self.assertEqual(top_words(ESSAY), [("the", 4), ("cat", 3), ("and", 1)])

    def test_capital_letters_do_not_make_a_different_word(self):
        self.write_essay("Python python PYTHON java\n")
        self.assertEqual(top_words(ESSAY, n=1), [("python", 3)])

    def test_punctuation_is_only_removed_at_the_ends_of_a_word(self):
        self.write_essay("Don't stop! \"don't\" (don't)\n")
        self.assertEqual(top_words(ESSAY), [("don't", 3), ("stop", 1)])

    def test_equal_counts_are_in_alphabetical_order(self):
        self.write_essay("pear apple fig apple fig pear\n")
        self.assertEqual(top_words(ESSAY), [("apple", 2), ("fig", 2), ("pear", 2)])


if __name__ == "__main__":
    unittest.main()
