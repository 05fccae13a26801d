import unittest

from matrix import transpose


class HiddenTransposeTests(unittest.TestCase):
    def test_an_empty_matrix_gives_an_empty_list(self):
        self.assertEqual(transpose([]), [])

    def test_rows_without_any_columns_give_an_empty_list(self):
        self.assertEqual(transpose([[], []]), [])

    def test_rows_of_different_lengths_raise_value_error(self):
        with self.assertRaises(ValueError):
            transpose([[1, 2], [3]])

    def test_the_original_matrix_is_not_changed(self):
        matrix = [[1, 2], [3, 4], [5, 6]]
        result = transpose(matrix)
        self.assertEqual(result, [[1, 3, 5], [2, 4, 6]])
        self.assertEqual(matrix, [[1, 2], [3, 4], [5, 6]])

    def test_transposing_twice_gives_back_the_original(self):
        matrix = [[r * 50 + c for c in range(50)] for r in range(40)]
        self.assertEqual(transpose(transpose(matrix)), matrix)


if __name__ == "__main__":
    unittest.main()
