"""CSV downloads: every table, and cells that a spreadsheet would run as formulas."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from tutor.analytics.csv_export import Table, csv_response, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (-3, -3),  # a number is a number
        (12.5, 12.5),
        (None, ""),
        (True, "yes"),
        (timedelta(minutes=90), 90.0),
        (datetime(2026, 1, 5, 9, 0, tzinfo=UTC), "2026-01-05T09:00:00+00:00"),
    ],
)
def test_cells(value: Any, expected: object) -> None:
    assert safe_cell(value) == expected


def test_a_table_as_an_attachment() -> None:
    response = csv_response("python-1-gradebook", Table(["a", "=b"], [[1, "-x"], [None, "y"]]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="python-1-gradebook.csv"'
    assert response.content.decode() == "a,'=b\r\n1,'-x\r\n,y\r\n"


def download(client: Client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def teacher(classroom: Any, instructor: Any) -> Client:
    client = Client()
    client.force_login(instructor)
    return client


def test_the_gradebook_csv(teacher: Client) -> None:
    rows = download(teacher, "/courses/python-1/gradebook/?format=csv")
    assert rows == [
        ["username", "name", "add-two", "loops", "bonus", "total (of 300)"],
        ["alice", "", "80.0", "50.0", "", "130.0"],
        ["bob", "", "90.0", "0.0", "", "90.0"],
        # carol's first name is a formula: it arrives as text.
        ["carol", '\'=HYPERLINK("http://evil") C', "", "", "", "0.0"],
    ]


def test_the_overview_csv(teacher: Client) -> None:
    header, first, *rest = download(teacher, "/courses/python-1/analytics/?format=csv")
    assert header[:7] == [
        "exercise",
        "title",
        "students",
        "attempted",
        "solved",
        "graded runs",
        "pass rate (%)",
    ]
    assert first == [
        "add-two",
        "Add two numbers",
        "3",
        "2",
        "2",
        "7",
        "42.9",
        "20.0",
        "3.5",
        "3",
        "2",
    ]
    assert [row[0] for row in rest] == ["loops", "bonus"]


def test_every_table_of_the_exercise_page(teacher: Client) -> None:
    base = "/courses/python-1/analytics/exercises/add-two/?format=csv"
    assert download(teacher, base + "&table=tests")[1:] == [
        ["test_visible.py", "test_neg", "4", "2"],
        ["test_visible.py", "test_add", "3", "2"],
    ]
    assert download(teacher, base + "&table=errors")[1] == ["TypeError", "2", "1"]
    assert download(teacher, base + "&table=hints")[1:] == [["1", "2", "2"], ["2", "1", "1"]]
    students = download(teacher, base + "&table=students")
    assert download(teacher, base) == students  # the first table is the default
    alice = students[1]
    assert alice[:4] == ["alice", "", "solved", "5"]
    assert dict(zip(students[0], alice, strict=True))["time to solve (minutes)"] == "10.0"
    assert teacher.get(base + "&table=nope").status_code == 404


def test_the_student_csvs(teacher: Client, classroom: Any) -> None:
    base = f"/courses/python-1/analytics/students/{classroom['bob'].pk}/?format=csv"
    timeline = download(teacher, base)
    assert timeline[0][:4] == ["time", "exercise", "what", "status"]
    assert len(timeline) == 1 + 10
    assert timeline[1][:3] == ["2026-01-05T09:45:00+00:00", "loops", "hint"]
    only_a = download(teacher, base + "&exercise=add-two")
    assert {row[1] for row in only_a[1:]} == {"add-two"}
    exercises = download(teacher, base + "&table=exercises")
    assert [row[0] for row in exercises[1:]] == ["add-two", "loops"]
