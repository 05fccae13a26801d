import unittest

from strength import password_strength


class PasswordStrengthTests(unittest.TestCase):
    def test_a_short_password_is_weak_even_with_every_kind(self):
        self.assertEqual(password_strength("Ab1!"), "weak")

    def test_only_lower_case_letters_is_weak(self):
        self.assertEqual(password_strength("sunflower"), "weak")

    def test_letters_and_digits_is_medium(self):
        self.assertEqual(password_strength("sunflower42"), "medium")

    def test_three_kinds_is_still_medium(self):
        self.assertEqual(password_strength("Sunflower42"), "medium")

    def test_all_four_kinds_is_strong(self):
        self.assertEqual(password_strength("Sunflower#42"), "strong")


if __name__ == "__main__":
    unittest.main()
