import unittest

from matching import count_matching


def is_even(number):
    return number % 2 == 0


class CountMatchingTests(unittest.TestCase):
    def test_counts_the_even_numbers_with_a_named_function(self):
        self.assertEqual(count_matching([1, 2, 3, 4, 6], is_even), 3)

    def test_counts_names_starting_with_a_capital_a_with_a_lambda(self):
        names = ["Ada", "alan", "Anita", "Bob"]
        self.assertEqual(count_matching(names, lambda name: name.startswith("A")), 2)

    def test_without_a_predicate_counts_the_truthy_items(self):
        self.assertEqual(count_matching([0, 5, "", "hi", None]), 2)

    def test_returns_zero_when_nothing_matches(self):
        self.assertEqual(count_matching([1, 3, 5], is_even), 0)


if __name__ == "__main__":
    unittest.main()
