import os
import tempfile
import unittest

from wordfreq import top_words


class HiddenTopWordsTests(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = os.path.join(folder.name, "essay.txt")

    def write_essay(self, text):
        with open(self.path, "w", encoding="utf-8") as file:
            file.write(text)

    def test_an_empty_file_has_no_words(self):
        self.write_essay("")
        self.assertEqual(top_words(self.path), [])

    def test_lone_punctuation_is_not_a_word_and_n_can_exceed_the_vocabulary(self):
        self.write_essay("yes -- no ... yes !\n")
        self.assertEqual(top_words(self.path, n=10), [("yes", 2), ("no", 1)])

    def test_accented_words_are_lower_cased_correctly(self):
        self.write_essay("Café café CAFÉ, thé.\n")
        self.assertEqual(top_words(self.path, n=2), [("café", 3), ("thé", 1)])

    def test_zero_or_negative_n_gives_an_empty_list(self):
        self.write_essay("one two two\n")
        self.assertEqual(top_words(self.path, n=0), [])
        self.assertEqual(top_words(self.path, n=-2), [])

    def test_a_long_essay_is_counted_completely(self):
        self.write_essay("alpha beta\tbeta\n" * 20_000 + "gamma\n")
        self.assertEqual(top_words(self.path), [("beta", 40_000), ("alpha", 20_000), ("gamma", 1)])


if __name__ == "__main__":
    unittest.main()
