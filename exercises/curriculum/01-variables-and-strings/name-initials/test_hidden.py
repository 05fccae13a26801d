from initials import initials


def test_an_empty_name_gives_an_empty_string():
    assert initials("") == ""


def test_a_name_made_only_of_spaces_gives_an_empty_string():
    assert initials("    ") == ""


def test_accented_initials_are_capitalised_too():
    assert initials("émile zola") == "É.Z."


def test_a_long_name_keeps_every_initial_in_order():
    assert initials("pablo diego josé francisco de paula") == "P.D.J.F.D.P."
