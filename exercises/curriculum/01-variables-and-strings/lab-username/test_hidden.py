import unittest

from usernames import make_username


class HiddenMakeUsernameTests(unittest.TestCase):
    def test_removes_apostrophes_and_spaces_from_the_last_name(self):
        self.assertEqual(make_username("Seán", "O'Brien", 1999), "sobrien99")
        self.assertEqual(make_username("Ludwig", "van Beethoven", 1770), "lvanbee70")

    def test_a_year_ending_in_double_zero_gives_00(self):
        self.assertEqual(make_username("Mae", "Ng", 2000), "mng00")

    def test_works_for_years_after_2000(self):
        self.assertEqual(make_username("Greta", "Thunberg", 2003), "gthunbe03")

    def test_accented_letters_are_lowered_too(self):
        self.assertEqual(make_username("Émile", "Zola", 1840), "ézola40")


if __name__ == "__main__":
    unittest.main()
