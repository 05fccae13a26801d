from merging import merge_sorted


def test_merges_two_interleaved_queues():
    assert merge_sorted([1, 4, 9], [2, 3, 10, 12]) == [1, 2, 3, 4, 9, 10, 12]


def test_all_of_one_list_comes_before_the_other():
    assert merge_sorted([1, 2], [5, 6, 7]) == [1, 2, 5, 6, 7]


def test_equal_values_are_all_kept():
    assert merge_sorted([1, 3, 3], [3, 4]) == [1, 3, 3, 3, 4]


def test_the_two_lists_are_not_changed():
    left, right = [1, 5], [2, 3]
    merge_sorted(left, right)
    assert left == [1, 5]
    assert right == [2, 3]
