from dedupe import remove_duplicates


def test_removes_repeated_names_keeping_the_first_sign_up_order():
    names = ["Ada", "Linus", "Ada", "Grace", "Linus"]
    assert remove_duplicates(names) == ["Ada", "Linus", "Grace"]


def test_removes_repeated_numbers():
    assert remove_duplicates([3, 1, 3, 3, 2, 1]) == [3, 1, 2]


def test_a_list_without_repeats_stays_the_same():
    assert remove_duplicates(["x", "y", "z"]) == ["x", "y", "z"]


def test_the_original_list_is_not_changed():
    names = ["Ada", "Ada", "Grace"]
    remove_duplicates(names)
    assert names == ["Ada", "Ada", "Grace"]
