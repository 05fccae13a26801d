import unittest

from squeeze import compress, expand


class HiddenRunLengthTests(unittest.TestCase):
    def test_capital_letters_and_spaces_are_separate_runs(self):
        self.assertEqual(compress("aAa  b"), "a1A1a1 2b1")

    def test_a_thousand_equal_characters_give_a_four_digit_count(self):
        self.assertEqual(compress("z" * 1000), "z1000")
        self.assertEqual(expand("z1000"), "z" * 1000)

    def test_unicode_characters_are_compressed_and_expanded(self):
        self.assertEqual(compress("ééé🙂🙂"), "é3🙂2")
        self.assertEqual(expand("é3🙂2"), "ééé🙂🙂")

    def test_expanding_a_compressed_text_gives_back_the_original(self):
        text = "".join(chr(ord("a") + n % 5) * (n % 13 + 1) for n in range(500))
        self.assertEqual(expand(compress(text)), text)

    def test_an_invalid_code_raises_value_error(self):
        for code in ("3a", "ab2", "x"):
            with self.assertRaises(ValueError, msg=code):
                expand(code)


if __name__ == "__main__":
    unittest.main()
