import unittest

from matching import count_matching


class HiddenCountMatchingTests(unittest.TestCase):
    def test_an_empty_list_has_no_matches(self):
        self.assertEqual(count_matching([], lambda item: True), 0)
        self.assertEqual(count_matching([]), 0)

    def test_a_built_in_method_can_be_the_predicate(self):
        self.assertEqual(count_matching(["OK", "no", "YES", "Maybe"], str.isupper), 2)

    def test_the_predicate_can_be_passed_by_name(self):
        self.assertEqual(count_matching([-2, 0, 3, -7], predicate=lambda n: n < 0), 2)

    def test_empty_lists_and_false_are_not_truthy(self):
        self.assertEqual(count_matching([[], [0], False, True, 0.0]), 2)


if __name__ == "__main__":
    unittest.main()
