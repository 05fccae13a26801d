from searching import find_index

BOOKS = [2, 5, 8, 12, 16, 23, 38]


def test_finds_a_number_in_the_middle_of_the_catalogue():
    assert find_index(BOOKS, 12) == 3


def test_finds_a_number_in_the_second_half():
    assert find_index(BOOKS, 23) == 5


def test_finds_the_first_and_the_last_number():
    assert find_index(BOOKS, 2) == 0
    assert find_index(BOOKS, 38) == 6


def test_a_missing_number_gives_minus_one():
    assert find_index(BOOKS, 7) == -1
