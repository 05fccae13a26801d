"""Account services: the demo logins and the administrator login that a fresh install prints."""

import json
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from tutor.accounts.roles import make_instructor


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    # None: setup does not know it (the account was made or its password changed outside setup).
    password: str | None


DEMO_ACCOUNTS = (("instructor", "teacher"), ("student", "student"))
ADMIN_USERNAME = "admin"
# The administrator can do everything on the server: longer than a student's password.
ADMIN_PASSWORD_LENGTH = 16


def ensure_demo_accounts(credentials_file: Path) -> list[DemoLogin]:
    """Create the demo instructor and student once; later runs print the same logins.

    The passwords are random so that a lab server is never reachable with a well-known login;
    they are kept in a file only the server's user can read, so that running setup again can
    print them again.
    """
    known = _read_credentials(credentials_file)
    logins: list[DemoLogin] = []
    passwords: dict[str, str] = {}
    user_model = get_user_model()
    with transaction.atomic():
        for role, username in DEMO_ACCOUNTS:
            user, created = user_model.objects.get_or_create(username=username)
            password = known.get(username)
            if created or password is None or not user.check_password(password):
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.save()
            if role == "instructor":
                make_instructor(user)
            logins.append(DemoLogin(role=role, username=username, password=password))
            passwords[username] = password
    # Other logins in the file (the administrator's) stay.
    _write_credentials(credentials_file, {**known, **passwords})
    return logins


def ensure_admin_account(credentials_file: Path) -> DemoLogin:
    """Create the administrator (a superuser named "admin") once; later runs print the same login.

    The password is generated and kept with the demo logins. An "admin" account that setup did
    not create, or whose password was changed since, is left exactly as it is (never promoted,
    never reset): its password is then not shown.
    """
    known = _read_credentials(credentials_file)
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.filter(username=ADMIN_USERNAME).first()
        password = known.get(ADMIN_USERNAME)
        if user is None:
            password = generate_password(ADMIN_PASSWORD_LENGTH)
            user_model.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
            _write_credentials(credentials_file, {**known, ADMIN_USERNAME: password})
        elif password is None or not user.check_password(password):
            password = None
    return DemoLogin(role="administrator", username=ADMIN_USERNAME, password=password)


def _read_credentials(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}


def _write_credentials(path: Path, credentials: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(credentials, handle)


# ---- Generated passwords ---------------------------------------------------------------------
# Read off a printed sheet and typed by hand: lowercase, no 0/o, 1/l/i.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 (an alphabet)
PASSWORD_LENGTH = 10  # 31**10 ≈ 8e14 guesses
HASHING_THREADS = 8


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def hash_passwords(passwords: list[str]) -> list[str]:
    """The passwords hashed for storage, in order, several at a time.

    Hashing one takes a noticeable fraction of a second by design; hashlib releases the GIL
    while it works, so a class of forty does not keep the instructor waiting forty times over.
    """
    if len(passwords) <= 1:
        return [make_password(password) for password in passwords]
    workers = min(HASHING_THREADS, len(passwords), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(make_password, passwords))


def set_generated_password(user: User) -> str:
    """Gives the user a new generated password and returns it; their other sessions end."""
    password = generate_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    return password
