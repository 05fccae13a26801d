import unittest

from usernames import make_username


class MakeUsernameTests(unittest.TestCase):
    def test_keeps_only_six_letters_of_a_long_last_name(self):
        self.assertEqual(make_username("Ada", "Lovelace", 1815), "alovela15")

    def test_uses_the_whole_last_name_when_it_is_short(self):
        self.assertEqual(make_username("Alan", "Kay", 1940), "akay40")

    def test_a_year_ending_in_zero_something_keeps_its_leading_zero(self):
        self.assertEqual(make_username("Grace", "Hopper", 1906), "ghopper06")

    def test_removes_a_hyphen_before_cutting_the_last_name(self):
        self.assertEqual(make_username("Tim", "Berners-Lee", 1955), "tberner55")

    def test_the_username_is_all_lower_case(self):
        self.assertEqual(make_username("EDSGER", "DIJKSTRA", 1930), "edijkst30")


if __name__ == "__main__":
    unittest.main()
