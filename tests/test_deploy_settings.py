"""The production settings of docs/deployment.md pass Django's deployment checklist."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "LABTUTOR_SECRET_KEY": secrets.token_urlsafe(50),
        "LABTUTOR_ALLOWED_HOSTS": "labtutor.lab.local,192.168.10.5",
        "LABTUTOR_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_guides_https_settings_pass_check_deploy(tmp_path: Path) -> None:
    result = check_deploy(
        tmp_path,
        LABTUTOR_HTTPS="1",
        LABTUTOR_HSTS_SECONDS="31536000",
        LABTUTOR_HSTS_SUBDOMAINS="1",
        LABTUTOR_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_plain_http_lab_is_warned_about_https_only(tmp_path: Path) -> None:
    result = check_deploy(tmp_path)
    assert result.returncode != 0
    warnings = set(re.findall(r"\(security\.W\d+\)", result.stderr))
    assert warnings, result.stderr
    # Redirect to HTTPS, HSTS, secure session and CSRF cookies: nothing a LAN without TLS has.
    https_only = {f"(security.W{code})" for code in ("004", "008", "012", "016")}
    assert warnings <= https_only, result.stderr


def test_the_web_process_pools_its_postgresql_connections(tmp_path: Path) -> None:
    """LABTUTOR_DB_POOL (daphne's, scripts/run.sh): Django's pool, no persistent connections."""
    code = (
        "import django; django.setup(); from django.db import connection; "
        "print(connection.settings_dict['CONN_MAX_AGE'], connection.pool is not None)"
    )

    def settings_with(**extra: str) -> str:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "tutor.settings",
            "LABTUTOR_VAR_DIR": str(tmp_path / "var"),
            "LABTUTOR_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            **extra,
        }
        return subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout.strip()

    assert settings_with(LABTUTOR_DB_POOL="4") == "0 True"
    assert settings_with(LABTUTOR_DB_POOL="1") == "0 True"
    assert settings_with(LABTUTOR_DB_POOL="0") == "0 False"
    assert settings_with() == "0 False"
