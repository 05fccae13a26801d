from ticktock import tick_tock_boom


def test_the_first_seven_numbers():
    assert tick_tock_boom(7) == ["1", "2", "Tick", "4", "Tock", "Tick", "Boom"]


def test_a_single_number_is_said_normally():
    assert tick_tock_boom(1) == ["1"]


def test_fifteen_is_tick_tock():
    assert tick_tock_boom(15)[-1] == "TickTock"


def test_twenty_one_is_tick_boom():
    assert tick_tock_boom(21)[20] == "TickBoom"


def test_the_list_has_one_entry_per_number():
    assert len(tick_tock_boom(50)) == 50
