"""Test settings: the real settings, pointed at a test Redis database and a file SQLite database.

A file (not in-memory) SQLite database lets a real Celery worker process in the integration tests
see the rows the tests write.
"""

import os

os.environ.setdefault("LABTUTOR_REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("LABTUTOR_CHANNEL_PREFIX", "labtutor-test")
# Many tests submit as the same user id (ids restart with each test database): the submission
# rate limit is off unless a test turns it on (tests/exercises/test_grading.py).
os.environ.setdefault("LABTUTOR_SUBMISSION_RATE_LIMIT", "0")
# Opening an exercise page would enqueue writing answers ahead for it, for whichever llm worker a
# test starts; the tests of that feature turn it on themselves.
os.environ.setdefault("LABTUTOR_LLM_AHEAD_PER_EXERCISE", "0")

from tutor.settings import *  # noqa: F403
from tutor.settings import DATABASES, VAR_DIR

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from static/ (no collectstatic) to the live test server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
