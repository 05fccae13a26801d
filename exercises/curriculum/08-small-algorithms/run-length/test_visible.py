import unittest

from squeeze import compress, expand


class RunLengthTests(unittest.TestCase):
    def test_compresses_a_line_of_pixel_art(self):
        self.assertEqual(compress("....###..."), ".4#3.3")

    def test_writes_a_count_of_one_for_a_single_character(self):
        self.assertEqual(compress("aaabccdddd"), "a3b1c2d4")

    def test_expands_a_code_back_into_text(self):
        self.assertEqual(expand("a3b1c2d4"), "aaabccdddd")

    def test_expands_a_count_with_two_digits(self):
        self.assertEqual(expand("-12"), "------------")

    def test_an_empty_text_gives_an_empty_code_and_back(self):
        self.assertEqual(compress(""), "")
        self.assertEqual(expand(""), "")


if __name__ == "__main__":
    unittest.main()
