from clicker import ClickCounter


def test_a_new_counter_starts_at_zero():
    assert ClickCounter().count == 0


def test_each_click_adds_one_and_returns_the_new_count():
    door = ClickCounter()
    assert door.click() == 1
    assert door.click() == 2
    assert door.count == 2


def test_reset_goes_back_to_zero():
    door = ClickCounter()
    door.click()
    door.click()
    door.reset()
    assert door.count == 0


def test_a_counter_can_start_at_another_number():
    door = ClickCounter(start=10)
    door.click()
    assert door.count == 11
