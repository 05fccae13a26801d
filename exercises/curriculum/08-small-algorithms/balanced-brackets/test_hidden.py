import unittest

from brackets import is_balanced


class HiddenIsBalancedTests(unittest.TestCase):
    def test_an_empty_text_and_a_text_without_brackets_are_balanced(self):
        self.assertTrue(is_balanced(""))
        self.assertTrue(is_balanced("no brackets here, only words"))

    def test_a_lonely_closing_bracket_is_not_balanced(self):
        self.assertFalse(is_balanced("}"))
        self.assertFalse(is_balanced("x = 1]"))

    def test_unicode_text_around_the_brackets_is_ignored(self):
        self.assertTrue(is_balanced("«café (crème) [brûlée]» {🙂}"))

    def test_ten_thousand_nested_brackets(self):
        deep = "([{" * 10_000 + "}])" * 10_000
        self.assertTrue(is_balanced(deep))
        self.assertFalse(is_balanced(deep + ")"))


if __name__ == "__main__":
    unittest.main()
