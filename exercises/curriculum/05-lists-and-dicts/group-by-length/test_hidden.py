from grouping import group_by_length


def test_an_empty_list_gives_an_empty_dictionary():
    assert group_by_length([]) == {}


def test_a_repeated_word_is_listed_twice():
    assert group_by_length(["hi", "hi", "yo"]) == {2: ["hi", "hi", "yo"]}


def test_accented_letters_count_as_one_letter_each():
    assert group_by_length(["été", "noël", "sea"]) == {3: ["été", "sea"], 4: ["noël"]}


def test_the_empty_word_has_length_zero():
    assert group_by_length(["", "a", ""]) == {0: ["", ""], 1: ["a"]}
