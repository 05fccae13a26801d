"""Tables as CSV downloads, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) is a formula to Excel, LibreOffice
and Google Sheets, and a student chooses some of the text that lands in these files (their
name, the messages their code raises): such cells get a leading apostrophe, which spreadsheets
read as "this is text". Numbers are written as numbers.
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.http import HttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | datetime | timedelta | None


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def safe_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 60, 1)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_response(filename: str, table: Table) -> HttpResponse:
    """The table as an attachment called `filename` (no extension; .csv is added)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow([safe_cell(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response
