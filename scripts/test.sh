#!/usr/bin/env bash
# Sets up and runs the whole test suite: ruff (lint + format), mypy, pytest (browser tests included)
# on SQLite, then pytest's database tests again on PostgreSQL when a server answers.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p var

# redis-server: the fault tests (tests/faults) start and stop a Redis of their own.
ensure_debian_packages bwrap:bubblewrap chromium:chromium redis-server:redis-server gcc:gcc \
  javac:openjdk-17-jdk-headless node:nodejs npm:npm
# JUnit 5 and AssertJ for Java exercises with native unit tests (tutor/sandbox/native_tests.py).
ensure_debian_files /usr/share/java/junit-platform-console-standalone.jar:junit5 \
  /usr/share/java/assertj-core.jar:libassertj-core-java
ensure_jest
# bench: llama-cpp-python (the `llamacpp` extra), so that the tests cover the llama.cpp
# backend for .gguf models (tests/llm/test_llamacpp_backend.py). pip builds it from source
# once, about 11 minutes on 2 cores; after that its wheel comes from pip's cache.
ensure_venv "[dev,bench]"
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
say "pytest (SQLite)"
"$PY" -m pytest "$@"

# The same suite on PostgreSQL, the production database: only the tests that use the database
# (--database-only, see tests/conftest.py); the others would repeat the first pass exactly.
# pytest-django creates test_<name> on the server; <name> is this checkout's own, so that two
# checkouts testing at once on one server do not share a test database.
postgres_test_url() {
  "$PY" - "$1" "$ROOT" <<'PYEOF' 2>/dev/null
import hashlib, sys, urllib.parse
import psycopg
server, root = sys.argv[1], sys.argv[2]
psycopg.connect(server, connect_timeout=3).close()
name = "labtutor_" + hashlib.sha256(root.encode()).hexdigest()[:8]
print(urllib.parse.urlunsplit(urllib.parse.urlsplit(server)._replace(path="/" + name)))
PYEOF
}
POSTGRES_SERVER="${LABTUTOR_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ "${LABTUTOR_TEST_POSTGRES:-1}" = 0 ]; then
  say "PostgreSQL pass skipped (LABTUTOR_TEST_POSTGRES=0)"
elif POSTGRES_TEST_URL="$(postgres_test_url "$POSTGRES_SERVER")"; then
  say "pytest (PostgreSQL, test database test_${POSTGRES_TEST_URL##*/}: the tests that use it)"
  status=0
  LABTUTOR_DATABASE_URL="$POSTGRES_TEST_URL" "$PY" -m pytest --database-only "$@" || status=$?
  # 5: none of the tests picked by the arguments uses the database (tests/sandbox, say).
  if [ "$status" = 5 ]; then say "No database tests among those selected"
  elif [ "$status" != 0 ]; then exit "$status"; fi
else
  say "PostgreSQL pass skipped: no server answers at $POSTGRES_SERVER (set LABTUTOR_TEST_POSTGRES_URL)"
fi
