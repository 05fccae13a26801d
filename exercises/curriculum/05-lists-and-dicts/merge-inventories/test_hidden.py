import unittest

from inventory import merge_inventories


class HiddenMergeInventoriesTests(unittest.TestCase):
    def test_two_empty_inventories_merge_into_an_empty_one(self):
        self.assertEqual(merge_inventories({}, {}), {})

    def test_a_negative_total_is_left_out(self):
        self.assertEqual(merge_inventories({"lens": 1}, {"lens": -3}), {})

    def test_an_item_with_a_negative_count_on_one_side_only_is_left_out(self):
        self.assertEqual(merge_inventories({"flask": -2}, {"tube": 6}), {"tube": 6})

    def test_returns_a_new_dictionary_even_when_one_side_is_empty(self):
        first = {"scale": 2}
        merged = merge_inventories(first, {})
        merged["scale"] = 99
        self.assertEqual(first, {"scale": 2})


if __name__ == "__main__":
    unittest.main()
