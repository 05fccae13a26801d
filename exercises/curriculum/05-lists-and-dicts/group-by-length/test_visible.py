import unittest

from grouping import group_by_length


class GroupByLengthTests(unittest.TestCase):
    def test_groups_animals_by_length(self):
        words = ["cat", "horse", "dog", "mouse", "ox"]
        expected = {3: ["cat", "dog"], 5: ["horse", "mouse"], 2: ["ox"]}
        self.assertEqual(group_by_length(words), expected)

    def test_words_of_the_same_length_keep_their_order(self):
        self.assertEqual(group_by_length(["bb", "aa", "cc"]), {2: ["bb", "aa", "cc"]})

    def test_one_word_gives_one_group(self):
        self.assertEqual(group_by_length(["python"]), {6: ["python"]})

    def test_only_lengths_that_occur_are_keys(self):
        self.assertEqual(sorted(group_by_length(["a", "abcd"])), [1, 4])


if __name__ == "__main__":
    unittest.main()
