#!/usr/bin/env bash
# Sets LabTutor up and serves it on 0.0.0.0:8000 for the lab's LAN. Ctrl-C stops everything.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p var

ensure_debian_packages bwrap:bubblewrap gcc:gcc javac:openjdk-17-jdk-headless node:nodejs npm:npm
# JUnit 5 and AssertJ for Java exercises with native unit tests (tutor/sandbox/native_tests.py).
ensure_debian_files /usr/share/java/junit-platform-console-standalone.jar:junit5 \
  /usr/share/java/assertj-core.jar:libassertj-core-java
ensure_jest
# llama.cpp (the `llamacpp` extra), the runtime a .gguf model needs on a CPU: installed for a
# configured .gguf model, or when asked (LABTUTOR_LLAMACPP=1); pip compiles it once when it has
# no wheel cached, about 11 minutes on 2 cores, so the demo's first start does not wait for it.
extras=""
case "${LABTUTOR_LLAMACPP:-auto}" in
  1 | on) extras="[llamacpp]" ;;
  auto) case "${LABTUTOR_MODEL:-}" in *.gguf) extras="[llamacpp]" ;; esac ;;
esac
ensure_venv "$extras"
ensure_redis

# Students reach the server by its LAN addresses; list them unless the admin chose hosts.
if [ -z "${LABTUTOR_ALLOWED_HOSTS:-}" ]; then
  LABTUTOR_ALLOWED_HOSTS="localhost,127.0.0.1,[::1],$(hostname)"
  for address in $(hostname -I 2>/dev/null); do
    case "$address" in *:*) address="[$address]" ;; esac
    LABTUTOR_ALLOWED_HOSTS="$LABTUTOR_ALLOWED_HOSTS,$address"
  done
  export LABTUTOR_ALLOWED_HOSTS
fi

say "Preparing the database and static files"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0
"$PY" manage.py import_exercises exercises/curriculum -v 0
say "Demo course and logins (the administrator signs in at /admin/)"
"$PY" manage.py setup_demo

pids=()
stop_all() {
  trap - INT TERM EXIT
  say "Stopping LabTutor"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop_all INT TERM EXIT

"$VENV/bin/celery" -A tutor worker -Q runner -n "runner@%h" --concurrency "${LABTUTOR_RUNNER_CONCURRENCY:-2}" \
  --loglevel INFO &
pids+=($!)
"$VENV/bin/celery" -A tutor worker -Q llm -n "llm@%h" --pool threads --concurrency 8 --loglevel INFO &
pids+=($!)
# A pool of database connections for the web process only, when the database is PostgreSQL
# (tutor/settings.py); the workers fork and keep their own.
LABTUTOR_DB_POOL="${LABTUTOR_DB_POOL:-10}" "$VENV/bin/daphne" -b "${LABTUTOR_BIND:-0.0.0.0}" -p "${LABTUTOR_PORT:-8000}" tutor.asgi:application &
pids+=($!)

say "LabTutor is running: http://$(hostname -I 2>/dev/null | cut -d' ' -f1 || echo localhost):${LABTUTOR_PORT:-8000}/  (Ctrl-C stops it)"
# If any part dies, stop the rest rather than serve half a site.
wait -n "${pids[@]}"
