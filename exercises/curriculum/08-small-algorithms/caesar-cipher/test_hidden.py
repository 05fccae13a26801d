from cipher import decrypt, encrypt


def test_a_negative_shift_moves_backwards():
    assert encrypt("Abc", -1) == "Zab"


def test_a_shift_bigger_than_the_alphabet_wraps_around():
    assert encrypt("Hello", 26) == "Hello"
    assert encrypt("Hello", 29) == encrypt("Hello", 3)
    assert encrypt("Hello", -1000) == encrypt("Hello", 14)


def test_accented_letters_and_empty_text_are_unchanged():
    assert encrypt("", 5) == ""
    assert encrypt("café, ñandú", 1) == "dbgé, ñboeú"


def test_decrypting_a_long_note_gives_back_every_character():
    note = "The Quick Brown Fox (aged 7) jumps over the lazy dog! " * 500
    assert decrypt(encrypt(note, 11), 11) == note
