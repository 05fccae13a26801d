from matrix import transpose


def test_two_rows_of_three_become_three_rows_of_two():
    assert transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]


def test_turns_the_seating_chart():
    chart = [["Ada", "Alan", "Grace"], ["Linus", "Guido", "Barbara"]]
    assert transpose(chart) == [["Ada", "Linus"], ["Alan", "Guido"], ["Grace", "Barbara"]]


def test_a_single_row_becomes_a_single_column():
    assert transpose([[7, 8, 9]]) == [[7], [8], [9]]


def test_a_square_matrix_swaps_across_its_diagonal():
    assert transpose([[1, 2], [3, 4]]) == [[1, 3], [2, 4]]
