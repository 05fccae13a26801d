from cipher import decrypt, encrypt


def test_shifts_lower_case_letters():
    assert encrypt("abc", 1) == "bcd"


def test_wraps_around_the_end_of_the_alphabet():
    assert encrypt("xyz", 3) == "abc"


def test_keeps_capitals_and_leaves_other_characters_alone():
    assert encrypt("Meet at 5, by the lab!", 3) == "Phhw dw 5, eb wkh ode!"


def test_decrypt_gives_back_the_original_note():
    assert decrypt("Phhw dw 5, eb wkh ode!", 3) == "Meet at 5, by the lab!"
