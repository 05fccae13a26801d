#!/usr/bin/env bash
# Sets up and runs the whole test suite: ruff (lint + format), mypy, pytest (browser tests included).
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p var

ensure_debian_packages bwrap:bubblewrap chromium:chromium
ensure_venv "[dev]"
ensure_redis

say "ruff check"
"$VENV/bin/ruff" check .
say "ruff format --check"
"$VENV/bin/ruff" format --check .
say "mypy"
"$VENV/bin/mypy" .
say "pytest"
"$PY" -m pytest "$@"
