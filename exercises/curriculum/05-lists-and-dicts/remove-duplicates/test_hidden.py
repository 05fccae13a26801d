import unittest

from dedupe import remove_duplicates


class HiddenRemoveDuplicatesTests(unittest.TestCase):
    def test_an_empty_list_gives_an_empty_list(self):
        self.assertEqual(remove_duplicates([]), [])

    def test_a_list_of_one_repeated_value_keeps_a_single_copy(self):
        self.assertEqual(remove_duplicates([7, 7, 7, 7]), [7])

    def test_capitalisation_makes_values_different(self):
        self.assertEqual(remove_duplicates(["Ada", "ada", "ADA", "ada"]), ["Ada", "ada", "ADA"])

    def test_a_long_list_is_handled_quickly(self):
        items = [n % 1000 for n in range(200_000)]
        self.assertEqual(remove_duplicates(items), list(range(1000)))


if __name__ == "__main__":
    unittest.main()
