"""?sort= for paginated tables: a whitelisted column and a direction, nothing else."""

import pytest

from tutor.sorting import sorting_from

COLUMNS = {"when": ("created_at", "pk"), "student": ("student__username", "pk")}


def test_a_column_sorts_ascending_and_a_minus_descending() -> None:
    assert sorting_from("student", COLUMNS, "-when").order_by() == ["student__username", "pk"]
    assert sorting_from("-student", COLUMNS, "-when").order_by() == ["-student__username", "-pk"]


def test_an_unknown_or_missing_column_is_the_default() -> None:
    for value in ("", "password", "--when", "-"):
        sorting = sorting_from(value, COLUMNS, "-when")
        assert (sorting.key, sorting.descending) == ("when", True)


def test_a_header_flips_its_own_column_and_starts_others_ascending() -> None:
    sorting = sorting_from("student", COLUMNS, "-when")
    assert sorting.param_for("student") == "-student"
    assert sorting.param_for("when") == "when"
    assert sorting_from("-student", COLUMNS, "-when").param_for("student") == "student"
    assert (sorting.aria_sort("student"), sorting.aria_sort("when")) == ("ascending", "none")


def test_a_default_that_is_no_column_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not one of the columns"):
        sorting_from("", COLUMNS, "rating")
