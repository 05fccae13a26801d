"""A course's roster: students added in bulk from a pasted list or a CSV file, and password resets.

Reading a list (`read_roster`) is plain parsing and never touches the database; `add_students`
creates the missing accounts and enrols everyone in one transaction. Generated passwords are
returned to the caller once and never stored in plain text.
"""

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from tutor.accounts.services import generate_password, hash_passwords, set_generated_password
from tutor.courses.access import (
    enrolled_student,
    manageable_accounts,
    may_manage_account,
    protected_accounts,
)
from tutor.courses.models import AccountOrigin, Course, Enrollment
from tutor.courses.services import CourseError, enrol

__all__ = [
    "EXISTS_ELSEWHERE",
    "MAX_CSV_BYTES",
    "NewLogin",
    "ResetRefused",
    "RosterEntry",
    "RosterError",
    "RosterResult",
    "StudentRow",
    "add_students",
    "course_students",
    "enrolled_student",
    "read_roster",
    "reset_student_password",
]

MAX_STUDENTS = 500
MAX_CSV_BYTES = 1024 * 1024
NAME_MAX_LENGTH = 150
USERNAME_MAX_LENGTH = 150
DERIVED_USERNAME_MAX_LENGTH = 30
FALLBACK_USERNAME = "student"
EXISTS_ELSEWHERE = (
    "exists: ask the student to join with the course code, or an administrator to add them"
)

# Header names a CSV file may use, to the column they mean.
COLUMN_ALIASES = {
    "username": "username",
    "user": "username",
    "login": "username",
    "first_name": "first_name",
    "firstname": "first_name",
    "first": "first_name",
    "given_name": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "last": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "name": "name",
    "full_name": "name",
    "fullname": "name",
}
NAME_COLUMNS = {"first_name", "last_name", "name"}
# Letters that NFKD does not split into an ASCII letter and an accent.
TRANSLITERATIONS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "đ": "d",
     "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "\u0131": "i"}  # dotless i
)  # fmt: skip


class RosterError(CourseError):
    """The list cannot be used; `problems` names each bad line. Nothing was changed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ResetRefused(CourseError):
    """The instructor may not reset this account's password."""


@dataclass(frozen=True)
class RosterEntry:
    where: str  # "line 3" or "CSV line 2", for messages
    username: str  # "" when it is to be derived from the name
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class NewLogin:
    student: User
    password: str  # shown once on the credentials sheet, never stored


@dataclass(frozen=True)
class Refusal:
    entry: RosterEntry
    reason: str

    @property
    def line(self) -> str:
        """For the report: 'line 2 (eve): exists: ask the student to join ...'."""
        return f"{self.entry.where} ({self.entry.username}): {self.reason}"


@dataclass(frozen=True)
class RosterResult:
    created: list[NewLogin]
    existing: list[User]  # accounts that existed already: enrolled, password unchanged
    # Existing accounts this instructor may not manage: left alone, neither enrolled nor changed.
    refused: list[Refusal] = field(default_factory=list)


@dataclass(frozen=True)
class StudentRow:
    enrollment: Enrollment
    can_reset_password: bool
    why_not: str = ""  # when the password cannot be reset here, in a few words


PROTECTED_ROW = "staff or instructor"
NOT_CREATED_HERE_ROW = "joined by code: an administrator resets it"


# ---- Reading a list ------------------------------------------------------------------------


def split_name(full_name: str) -> tuple[str, str]:
    """'Mary Ann Smith' -> ('Mary Ann', 'Smith'); a single word is a first name."""
    words = full_name.split()
    if len(words) <= 1:
        return (words[0] if words else "", "")
    return " ".join(words[:-1]), words[-1]


def read_roster(pasted: str = "", csv_data: bytes | None = None) -> list[RosterEntry]:
    """The students of a pasted list and/or a CSV file; RosterError lists every bad line."""
    entries: list[RosterEntry] = []
    problems: list[str] = []
    if pasted.strip():
        try:
            entries.extend(parse_pasted_list(pasted))
        except RosterError as error:
            problems.extend(error.problems)
    if csv_data:
        try:
            entries.extend(parse_csv(csv_data))
        except RosterError as error:
            problems.extend(error.problems)
    if not problems and not entries:
        problems.append("The list is empty: paste one student per line or choose a CSV file.")
    if len(entries) > MAX_STUDENTS:
        problems.append(f"At most {MAX_STUDENTS} students at a time ({len(entries)} given).")
    problems.extend(_duplicate_usernames(entries))
    if problems:
        raise RosterError(problems)
    return entries


def parse_pasted_list(text: str) -> list[RosterEntry]:
    """One student a line: "Full Name" or "username, Full Name"; blank and # lines are skipped."""
    entries: list[RosterEntry] = []
    problems: list[str] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split(",")]
        where = f"line {number}"
        if number == 1 and _header_columns(cells) is not None:
            continue
        if len(cells) == 1:
            username, full_name = "", cells[0]
        elif len(cells) == 2:
            username, full_name = cells
        else:
            problems.append(
                f'{where} ("{line}"): expected "Full Name" or "username, Full Name", '
                f"found {len(cells) - 1} commas."
            )
            continue
        _add_entry(entries, problems, where, username, *split_name(full_name))
    if problems:
        raise RosterError(problems)
    return entries


def parse_csv(data: bytes) -> list[RosterEntry]:
    """Columns username,first_name,last_name, or username,name, or name alone.

    A header row (which may name the columns in any order) is optional; so are a byte order
    mark, spaces around values, blank rows, and ';' or tab as the separator.
    """
    if len(data) > MAX_CSV_BYTES:
        raise RosterError([f"The CSV file is larger than {MAX_CSV_BYTES // 1024} KB."])
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    entries: list[RosterEntry] = []
    problems: list[str] = []
    columns: list[str | None] | None = None
    seen_row = False
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            where = f"CSV line {reader.line_num}"
            if not any(cells):
                continue
            if not seen_row:
                seen_row = True
                columns = _header_columns(cells)
                if columns is not None:
                    continue
            values = _row_values(cells, columns)
            if isinstance(values, str):
                problems.append(f"{where}: {values}")
                continue
            username, first_name, last_name = values
            _add_entry(entries, problems, where, username, first_name, last_name)
    except csv.Error as error:
        problems.append(f"CSV line {reader.line_num}: {error}.")
    if problems:
        raise RosterError(problems)
    return entries


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # a spreadsheet's "CSV" on Windows
    except UnicodeDecodeError as error:
        raise RosterError(["The CSV file is not text: save it as CSV (UTF-8)."]) from error


def _header_columns(cells: list[str]) -> list[str | None] | None:
    """The columns a header row names (None for one it does not know), or None if no header."""
    keys = [re.sub(r"[\s-]+", "_", cell.lower()) for cell in cells]
    columns = [COLUMN_ALIASES.get(key) for key in keys]
    if not NAME_COLUMNS & set(filter(None, columns)):
        return None
    return columns


def _row_values(cells: list[str], columns: list[str | None] | None) -> tuple[str, str, str] | str:
    """(username, first name, last name) of a data row, or what is wrong with it."""
    if columns is None:
        while cells and not cells[-1]:
            cells = cells[:-1]
        if len(cells) == 1:
            return ("", *split_name(cells[0]))
        if len(cells) == 2:
            return (cells[0], *split_name(cells[1]))
        if len(cells) == 3:
            return cells[0], cells[1], cells[2]
        return (
            f"expected 1 to 3 columns (name; username,name; or username,first_name,last_name), "
            f"found {len(cells)}; add a header row to name the columns."
        )
    if any(cells[len(columns) :]):
        return f"more values ({len(cells)}) than the header has columns ({len(columns)})."
    value = {column: cell for column, cell in zip(columns, cells, strict=False) if column}
    first_name, last_name = value.get("first_name", ""), value.get("last_name", "")
    if not (first_name or last_name):
        first_name, last_name = split_name(value.get("name", ""))
    return value.get("username", ""), first_name, last_name


def _add_entry(
    entries: list[RosterEntry],
    problems: list[str],
    where: str,
    username: str,
    first_name: str,
    last_name: str,
) -> None:
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    if not (first_name or last_name):
        problems.append(f"{where}: no name given.")
        return
    if len(first_name) > NAME_MAX_LENGTH or len(last_name) > NAME_MAX_LENGTH:
        problems.append(f"{where}: the name is longer than {NAME_MAX_LENGTH} characters.")
        return
    if username:
        if len(username) > USERNAME_MAX_LENGTH:
            problems.append(f"{where}: the username is longer than {USERNAME_MAX_LENGTH}.")
            return
        try:
            ASCIIUsernameValidator()(username)
        except ValidationError:
            problems.append(
                f'{where}: "{username}" is not a valid username (letters, digits and @ . + - _ '
                "only, no spaces)."
            )
            return
    entries.append(RosterEntry(where, username, first_name, last_name))


def _duplicate_usernames(entries: list[RosterEntry]) -> list[str]:
    first_seen: dict[str, str] = {}
    problems = []
    for entry in entries:
        key = entry.username.lower()
        if not key:
            continue
        if key in first_seen:
            problems.append(
                f'{entry.where}: the username "{entry.username}" is on {first_seen[key]} too.'
            )
        else:
            first_seen[key] = entry.where
    return problems


# ---- Creating accounts ---------------------------------------------------------------------


def derive_username(first_name: str, last_name: str) -> str:
    """'Zoë', 'Müller-Lüdenscheidt' -> 'zoe.mullerludenscheidt': lowercase ASCII, no spaces."""
    parts = []
    for name in (first_name, last_name):
        ascii_name = (
            unicodedata.normalize("NFKD", name.translate(TRANSLITERATIONS))
            .encode("ascii", "ignore")
            .decode()
            .lower()
        )
        part = re.sub(r"[^a-z0-9]", "", ascii_name)
        if part:
            parts.append(part)
    return ".".join(parts)[:DERIVED_USERNAME_MAX_LENGTH].strip(".") or FALLBACK_USERNAME


def add_students(course: Course, entries: list[RosterEntry], *, by: User) -> RosterResult:
    """Creates the accounts that do not exist yet and enrols the students, all or nothing.

    `by` is the instructor sending the list (the caller checks that they manage the course).
    An entry with a username that exists already (case aside) enrols that account, password
    unchanged, only if `by` may manage it (tutor/courses/access.py: an account this instructor's
    course created, or `by` is an administrator); any other is left alone and reported
    (EXISTS_ELSEWHERE), so that a list cannot take over another course's student. An entry
    without a username gets one derived from the name, numbered when taken ("anna.smith2") --
    unless a student of this very course has that name already, so that sending the same list
    twice (a reloaded page) enrols the same people instead of doubling them. Each new account
    records this course as its origin.
    """
    accounts = _existing_accounts(entries)
    manageable = set(
        manageable_accounts(
            by, User.objects.filter(pk__in=[user.pk for user in accounts.values()])
        ).values_list("pk", flat=True)
    )
    same_name = _enrolled_by_name(course)
    taken: set[str] = set()
    existing: list[User] = []
    refused: list[Refusal] = []
    to_create: list[tuple[str, RosterEntry]] = []
    for entry in entries:
        if entry.username:
            user = accounts.get(entry.username.lower())
            if user is not None and user.pk in manageable:
                existing.append(user)
            elif user is not None:
                refused.append(Refusal(entry, EXISTS_ELSEWHERE))
            else:
                to_create.append((entry.username, entry))
                taken.add(entry.username.lower())
            continue
        matches = same_name.get(_name_key(entry.first_name, entry.last_name), [])
        if matches:
            existing.append(matches.pop(0))
            continue
        to_create.append(("", entry))
    # Derived names after the given ones, so that a given "anna.smith" keeps its name.
    named: list[tuple[str, RosterEntry]] = []
    for username, entry in to_create:
        if not username:
            username = _free_username(derive_username(entry.first_name, entry.last_name), taken)
            taken.add(username.lower())
        named.append((username, entry))

    passwords = [generate_password() for _ in named]
    hashes = hash_passwords(passwords)  # slow, so before the transaction takes its lock
    created: list[NewLogin] = []
    try:
        with transaction.atomic():
            for (username, entry), password, hashed in zip(named, passwords, hashes, strict=True):
                student = User.objects.create(
                    username=username,
                    first_name=entry.first_name,
                    last_name=entry.last_name,
                    password=hashed,
                )
                AccountOrigin.objects.create(account=student, course=course)
                enrol(course, student)
                created.append(NewLogin(student, password))
            for user in existing:
                enrol(course, user)
    except IntegrityError as error:
        raise RosterError(
            ["Another change to the accounts happened at the same time; send the list again."]
        ) from error
    unique_existing = list({user.pk: user for user in existing}.values())
    return RosterResult(created=created, existing=unique_existing, refused=refused)


def _name_key(first_name: str, last_name: str) -> tuple[str, str]:
    return first_name.casefold(), last_name.casefold()


def _existing_accounts(entries: Iterable[RosterEntry]) -> dict[str, User]:
    """The accounts the entries name, by lowercased username (an exact match wins)."""
    wanted = {entry.username for entry in entries if entry.username}
    if not wanted:
        return {}
    users = User.objects.annotate(lower_username=Lower("username")).filter(
        lower_username__in={name.lower() for name in wanted}
    )
    found: dict[str, User] = {}
    for user in users.order_by("pk"):
        key = user.username.lower()
        if key not in found or user.username in wanted:
            found[key] = user
    return found


def _enrolled_by_name(course: Course) -> dict[tuple[str, str], list[User]]:
    by_name: dict[tuple[str, str], list[User]] = defaultdict(list)
    for enrollment in course.enrollments.select_related("student").order_by("joined_at", "pk"):
        student = enrollment.student
        by_name[_name_key(student.first_name, student.last_name)].append(student)
    return by_name


def _free_username(base: str, taken: set[str]) -> str:
    """base, base2, base3, ...: the first that no account and no earlier line has."""
    in_use = taken | {
        name.lower()
        for name in User.objects.filter(username__istartswith=base).values_list(
            "username", flat=True
        )
    }
    candidate, number = base, 1
    while candidate.lower() in in_use:
        number += 1
        candidate = f"{base}{number}"
    return candidate


# ---- Reading the roster and resetting passwords --------------------------------------------


def course_students(course: Course, *, viewer: User) -> list[StudentRow]:
    """The course's students, by name, and whether `viewer` may reset their password."""
    enrollments = list(
        course.enrollments.select_related("student").order_by(
            Lower("student__last_name"), Lower("student__first_name"), "student__username"
        )
    )
    students = User.objects.filter(pk__in=[e.student_id for e in enrollments])
    protected = set(protected_accounts(students).values_list("pk", flat=True))
    manageable = set(manageable_accounts(viewer, students).values_list("pk", flat=True))
    rows = []
    for enrollment in enrollments:
        if enrollment.student_id in protected:
            rows.append(StudentRow(enrollment, False, PROTECTED_ROW))
        elif enrollment.student_id not in manageable:
            rows.append(StudentRow(enrollment, False, NOT_CREATED_HERE_ROW))
        else:
            rows.append(StudentRow(enrollment, True))
    return rows


def reset_student_password(course: Course, student: User, *, by: User) -> str:
    """A new generated password for a student of the course, returned once.

    `by` must manage the account, not only teach the course (tutor/courses/access.py): the
    course that created it, or an administrator. Never for staff, superusers or instructors (of
    any course): those keep their own passwords.
    """
    if not Enrollment.objects.filter(course=course, student=student).exists():
        raise ResetRefused(f"{student.username} is not a student of {course.name}.")
    if protected_accounts(User.objects.filter(pk=student.pk)).exists():
        raise ResetRefused(
            f"{student.username} is staff or an instructor: they keep their own password (an "
            "administrator can change it in the admin)."
        )
    if not may_manage_account(by, student):
        raise ResetRefused(
            f"{student.username}'s account was not created by one of your courses: only an "
            "administrator can reset its password."
        )
    return set_generated_password(student)
