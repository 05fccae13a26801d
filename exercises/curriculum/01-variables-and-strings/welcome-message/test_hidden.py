import unittest

from welcome import welcome


class HiddenWelcomeTests(unittest.TestCase):
    def test_ignores_tabs_and_newlines_around_the_name(self):
        self.assertEqual(welcome("\tKatherine Johnson\n"), "Welcome to the lab, Katherine Johnson!")

    def test_keeps_accents_and_non_latin_letters(self):
        self.assertEqual(welcome("Zoë"), "Welcome to the lab, Zoë!")
        self.assertEqual(welcome("李雷"), "Welcome to the lab, 李雷!")

    def test_does_not_change_the_capitalisation(self):
        self.assertEqual(welcome("bell hooks"), "Welcome to the lab, bell hooks!")

    def test_returns_a_string_instead_of_printing(self):
        self.assertIsInstance(welcome("Ada"), str)


if __name__ == "__main__":
    unittest.main()
