from countdown import countdown


def test_counts_down_from_three():
    assert countdown(3) == "3... 2... 1... Liftoff!"


def test_counts_down_from_one():
    assert countdown(1) == "1... Liftoff!"


def test_counting_down_from_zero_is_an_immediate_liftoff():
    assert countdown(0) == "Liftoff!"


def test_counts_down_from_ten():
    assert countdown(10) == "10... 9... 8... 7... 6... 5... 4... 3... 2... 1... Liftoff!"
