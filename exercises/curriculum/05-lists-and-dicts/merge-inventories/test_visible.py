import unittest

from inventory import merge_inventories


class MergeInventoriesTests(unittest.TestCase):
    def test_adds_up_the_counts_of_shared_items(self):
        self.assertEqual(merge_inventories({"beaker": 5}, {"beaker": 3}), {"beaker": 8})

    def test_keeps_items_that_only_one_lab_has(self):
        merged = merge_inventories({"magnet": 2}, {"prism": 1})
        self.assertEqual(merged, {"magnet": 2, "prism": 1})

    def test_leaves_out_items_whose_total_is_zero(self):
        first = {"beaker": 5, "magnet": 2}
        second = {"beaker": 3, "prism": 1, "magnet": -2}
        self.assertEqual(merge_inventories(first, second), {"beaker": 8, "prism": 1})

    def test_does_not_change_the_two_inventories(self):
        first = {"beaker": 5}
        second = {"beaker": -1, "lens": 4}
        merge_inventories(first, second)
        self.assertEqual(first, {"beaker": 5})
        self.assertEqual(second, {"beaker": -1, "lens": 4})


if __name__ == "__main__":
    unittest.main()
