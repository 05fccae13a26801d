#!/usr/bin/env bash
# Sets up and runs the whole test suite: ruff (lint + format), mypy, pytest (browser tests included).
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p var

# redis-server: the fault tests (tests/faults) start and stop a Redis of their own.
ensure_debian_packages bwrap:bubblewrap chromium:chromium redis-server:redis-server
# bench: llama-cpp-python, so that the tests cover the llama.cpp backend for .gguf models
# (tests/llm/test_llamacpp_backend.py). pip builds it from source once, about 11 minutes on
# 2 cores; after that its wheel comes from pip's cache.
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
say "pytest"
"$PY" -m pytest "$@"
