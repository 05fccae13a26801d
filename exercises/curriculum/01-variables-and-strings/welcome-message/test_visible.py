from welcome import welcome


def test_greets_ada_by_name():
    assert welcome("Ada") == "Welcome to the lab, Ada!"


def test_greets_a_different_student():
    assert welcome("Grace") == "Welcome to the lab, Grace!"


def test_ignores_spaces_around_the_name():
    assert welcome("  Linus  ") == "Welcome to the lab, Linus!"


def test_keeps_the_space_inside_a_full_name():
    assert welcome("Alan Turing") == "Welcome to the lab, Alan Turing!"
