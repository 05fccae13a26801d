from advice import clothing_advice


def test_below_freezing_needs_a_winter_coat():
    assert clothing_advice(-3) == "Wear a winter coat"


def test_a_chilly_day_needs_a_jacket():
    assert clothing_advice(8) == "Bring a jacket"


def test_a_mild_day_needs_only_a_sweater():
    assert clothing_advice(17) == "A sweater is enough"


def test_a_hot_day_is_t_shirt_weather():
    assert clothing_advice(30) == "T-shirt weather"
