from searching import find_index


class CountingCatalogue:
    """A sorted sequence of even numbers that counts how often it is read."""

    def __init__(self, size):
        self.size = size
        self.looks = 0

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        if not isinstance(index, int):
            raise TypeError("this catalogue only supports single indexes")
        if not 0 <= index < self.size:
            raise IndexError(index)
        self.looks += 1
        if self.looks > 100:
            raise AssertionError("looked at more than 100 items: that is not a binary search")
        return 2 * index


def test_an_empty_catalogue_finds_nothing():
    assert find_index([], 5) == -1


def test_numbers_below_the_first_or_above_the_last_are_missing():
    assert find_index([-9, -4, 0, 3], -10) == -1
    assert find_index([-9, -4, 0, 3], 4) == -1
    assert find_index([-9, -4, 0, 3], -4) == 1


def test_finds_a_book_among_a_million_with_few_looks():
    catalogue = CountingCatalogue(1_000_000)
    assert find_index(catalogue, 1_234_566) == 617_283


def test_reports_a_missing_book_among_a_million_with_few_looks():
    catalogue = CountingCatalogue(1_000_000)
    assert find_index(catalogue, 777_777) == -1


def test_works_with_sorted_words_too():
    words = ["apple", "banana", "cherry", "kiwi", "mango"]
    assert find_index(words, "kiwi") == 3
    assert find_index(words, "grape") == -1
