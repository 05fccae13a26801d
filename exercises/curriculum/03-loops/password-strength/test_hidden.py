import unittest

from strength import password_strength


class HiddenPasswordStrengthTests(unittest.TestCase):
    def test_an_empty_password_is_weak(self):
        self.assertEqual(password_strength(""), "weak")

    def test_exactly_eight_characters_is_long_enough(self):
        self.assertEqual(password_strength("aB3$aB3$"), "strong")
        self.assertEqual(password_strength("aB3$aB3"), "weak")

    def test_spaces_count_as_other_characters(self):
        self.assertEqual(password_strength("correct horse"), "medium")

    def test_accented_letters_count_as_letters(self):
        self.assertEqual(password_strength("ÉCOLE été 2024"), "strong")

    def test_a_very_long_password_of_one_kind_is_still_weak(self):
        self.assertEqual(password_strength("7" * 10_000), "weak")


if __name__ == "__main__":
    unittest.main()
