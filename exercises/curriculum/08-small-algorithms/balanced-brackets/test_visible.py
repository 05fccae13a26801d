import unittest

from brackets import is_balanced


class IsBalancedTests(unittest.TestCase):
    def test_a_line_of_python_with_nested_brackets_is_balanced(self):
        self.assertTrue(is_balanced("print(scores[0] + {'a': 1}['a'])"))

    def test_brackets_closing_in_the_wrong_order_are_not_balanced(self):
        self.assertFalse(is_balanced("([)]"))

    def test_a_bracket_that_is_never_closed_is_not_balanced(self):
        self.assertFalse(is_balanced("(()"))

    def test_a_closing_bracket_of_another_kind_is_not_balanced(self):
        self.assertFalse(is_balanced("(]"))

    def test_a_closing_bracket_before_any_opening_one_is_not_balanced(self):
        self.assertFalse(is_balanced("())("))


if __name__ == "__main__":
    unittest.main()
