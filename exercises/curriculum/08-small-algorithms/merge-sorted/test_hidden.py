import unittest

from merging import merge_sorted


class HiddenMergeSortedTests(unittest.TestCase):
    def test_merging_with_empty_lists(self):
        self.assertEqual(merge_sorted([], []), [])
        self.assertEqual(merge_sorted([], [1, 2]), [1, 2])
        self.assertEqual(merge_sorted([3], []), [3])

    def test_negative_numbers(self):
        self.assertEqual(merge_sorted([-5, 0, 5], [-7, -5, 10]), [-7, -5, -5, 0, 5, 10])

    def test_sorted_words_are_merged_alphabetically(self):
        self.assertEqual(
            merge_sorted(["ada", "linus"], ["bob", "zoe"]), ["ada", "bob", "linus", "zoe"]
        )

    def test_the_result_is_a_new_list(self):
        left = [1, 2]
        merged = merge_sorted(left, [])
        merged.append(99)
        self.assertEqual(left, [1, 2])

    def test_two_long_queues(self):
        evens = list(range(0, 200_000, 2))
        odds = list(range(1, 200_000, 2))
        self.assertEqual(merge_sorted(evens, odds), list(range(200_000)))


if __name__ == "__main__":
    unittest.main()
