#!/usr/bin/env bash
# Sets up and runs the whole test suite: ruff (lint + format), mypy, pytest (browser tests included).
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p var

# redis-server: the fault tests (tests/faults) start and stop a Redis of their own.
ensure_debian_packages bwrap:bubblewrap chromium:chromium redis-server:redis-server
ensure_venv "[dev]"
ensure_redis

say "ruff check"
"$VENV/bin/ruff" check .
say "ruff format --check"
"$VENV/bin/ruff" format --check .
say "mypy"
"$VENV/bin/mypy" .
if command -v npm >/dev/null; then
  say "frontend unit tests (node --test)"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm test --silent)
fi
say "pytest"
"$PY" -m pytest "$@"
