from ticktock import tick_tock_boom


def test_a_limit_of_zero_gives_an_empty_list():
    assert tick_tock_boom(0) == []


def test_a_negative_limit_gives_an_empty_list():
    assert tick_tock_boom(-4) == []


def test_thirty_five_is_tock_boom_and_one_hundred_five_is_all_three():
    said = tick_tock_boom(105)
    assert said[34] == "TockBoom"
    assert said[104] == "TickTockBoom"


def test_numbers_are_returned_as_strings():
    said = tick_tock_boom(11)
    assert said[7] == "8"
    assert said[10] == "11"
