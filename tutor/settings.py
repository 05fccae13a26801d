"""LabTutor settings, read from environment variables with defaults that are safe for a lab.

Every setting that differs between a laptop and a lab server comes from a LABTUTOR_* variable;
docs/deployment.md lists them. Nothing here reaches the internet.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

# Code must never download weights: transformers and huggingface_hub read these at import time.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LABTUTOR_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def load_or_create_secret_key(path: Path) -> str:
    """A lab server needs a stable secret that nobody typed: make one on first start."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


DEBUG = env_bool("LABTUTOR_DEBUG", False)
SECRET_KEY = os.environ.get("LABTUTOR_SECRET_KEY") or load_or_create_secret_key(
    VAR_DIR / "secret_key"
)
ALLOWED_HOSTS = env_list("LABTUTOR_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("LABTUTOR_CSRF_TRUSTED_ORIGINS", [])
# WebSockets open only from the site's own origin (scheme, host and port: tutor/socket_origins.py)
# or from these, e.g. "https://labtutor.lab.local" behind a reverse proxy that changes the port.
WEBSOCKET_TRUSTED_ORIGINS = env_list("LABTUTOR_WEBSOCKET_ORIGINS", CSRF_TRUSTED_ORIGINS)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "tutor.accounts",
    "exercises",
    "tutor.assist",
    "tutor.courses",
    "tutor.review",
    "tutor.similarity",
    "lti_tool",
    "tutor.lti",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A full disk or a stopped database: a 503 page that says so (tutor/outages.py).
    "tutor.outages.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "tutor.urls"
ASGI_APPLICATION = "tutor.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tutor.accounts.context_processors.roles",
            ],
            "libraries": {"sorting": "tutor.sorting"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("LABTUTOR_DATABASE_URL", f"sqlite:///{VAR_DIR / 'labtutor.sqlite3'}"),
        conn_max_age=int(os.environ.get("LABTUTOR_DB_CONN_MAX_AGE", "0")),
    )
}
DB_POOL_SIZE = int(os.environ.get("LABTUTOR_DB_POOL") or 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_SIZE > 0:
    # The web process (daphne) only: under ASGI each request runs in a thread of its own, so
    # persistent connections would pile up, and without them every socket message and page
    # opened a connection (44% of the consumers' thread in a class's burst of hints). The
    # workers fork (prefork) and keep their own connections; they leave this unset.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": min(2, DB_POOL_SIZE), "max_size": DB_POOL_SIZE, "timeout": 20}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let daphne and two Celery workers share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "exercises:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("LABTUTOR_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("LABTUTOR_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REDIS_URL = os.environ.get("LABTUTOR_REDIS_URL", "redis://127.0.0.1:6379/0")

# Keys of live state in Redis (answers being streamed) start with this; tests use their own.
LIVE_STATE_PREFIX = os.environ.get("LABTUTOR_CHANNEL_PREFIX", "labtutor")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 reads with a 5 s socket timeout by default, the same 5 s that the
            # layer blocks waiting for a message: an idle socket's receive loop would die.
            "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "socket_connect_timeout": 5}],
            "prefix": LIVE_STATE_PREFIX,
            "capacity": 500,
            "expiry": 30,
        },
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "runner"
CELERY_TASK_ROUTES = {
    "exercises.tasks.*": {"queue": "runner"},
    "tutor.assist.tasks.*": {"queue": "llm"},
    # Comparing a class's programs is CPU work like grading, without a sandbox.
    "tutor.similarity.tasks.*": {"queue": "runner"},
    "tutor.lti.tasks.*": {"queue": "runner"},
}
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A grading task whose worker died is redelivered after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Recovery from dead workers and lost messages (tutor/watchdog.py; docs/deployment.md, "When
# something fails"). Every Celery worker looks for work left behind this often.
WATCHDOG_SECONDS = float(os.environ.get("LABTUTOR_WATCHDOG_SECONDS", "5"))
# Work still waiting after this long is enqueued again: its message may have been lost with a
# Redis restart or held by a worker that died. A duplicate message finds the work done.
REQUEUE_SECONDS = float(os.environ.get("LABTUTOR_REQUEUE_SECONDS", "60"))
# Waiting work whose queue has had no live worker for this long ends with a message saying so.
NO_WORKER_SECONDS = float(os.environ.get("LABTUTOR_NO_WORKER_SECONDS", "60"))
# The hard time limit of one grading task: a submission still running this long (plus a
# margin) after it started is stuck, whatever its heartbeat says.
GRADING_TIME_LIMIT_SECONDS = 180
GRADING_STUCK_SECONDS = GRADING_TIME_LIMIT_SECONDS + 30

# The sandbox (tutor/sandbox/config.py) reads its own LABTUTOR_SANDBOX_* variables.

# The model: a local folder or .gguf file; empty means the small embedded demo model.
LLM_MODEL_PATH = os.environ.get("LABTUTOR_MODEL", "")
# Where `manage.py model install` copies models from removable media.
LLM_MODELS_DIR = Path(os.environ.get("LABTUTOR_MODELS_DIR", VAR_DIR / "models"))
LLM_DEVICE = os.environ.get("LABTUTOR_MODEL_DEVICE", "auto")
LLM_PRECISION = os.environ.get("LABTUTOR_MODEL_PRECISION", "auto")
# What runs the model: auto (llama.cpp for a .gguf file on the CPU when llama-cpp-python is
# installed, transformers otherwise), transformers, or llamacpp. See tutor/llm/loading.py.
LLM_BACKEND = os.environ.get("LABTUTOR_MODEL_BACKEND", "auto")
# LABTUTOR_MODEL_BACKEND=openai: a model server on the LAN speaking the OpenAI-compatible API
# (Ollama, llama-server, vLLM; docs/deployment.md). The model name is the server's; empty takes
# the first it lists. LABTUTOR_MODEL_TOKENIZER: the model's own files here (folder or .gguf),
# to build prompts as token ids (and FIM completion) instead of chat messages.
LLM_SERVER_URL = os.environ.get("LABTUTOR_MODEL_URL", "")
LLM_SERVER_API_KEY = os.environ.get("LABTUTOR_MODEL_API_KEY", "")
LLM_SERVER_MODEL = os.environ.get("LABTUTOR_MODEL_NAME", "")
LLM_SERVER_TOKENIZER = os.environ.get("LABTUTOR_MODEL_TOKENIZER", "")
LLM_SERVER_CONTEXT_TOKENS = int(os.environ.get("LABTUTOR_MODEL_CONTEXT_TOKENS", "4096"))
# Without LABTUTOR_MODEL_TOKENIZER: the model's FIM tokens as "prefix,suffix,middle" (e.g.
# "<fim_prefix>,<fim_suffix>,<fim_middle>" for Stable Code), for fill-in-the-middle completion.
LLM_SERVER_FIM_TOKENS = os.environ.get("LABTUTOR_MODEL_FIM_TOKENS", "")
# CPU threads for llama.cpp; 0: the physical cores the worker may use.
LLM_THREADS = int(os.environ.get("LABTUTOR_LLM_THREADS", "0"))
# llama.cpp's flash attention and weight repacking: auto, on or off (see LlamaCppOptions).
LLM_LLAMACPP_FLASH_ATTENTION = os.environ.get("LABTUTOR_LLAMACPP_FLASH_ATTENTION", "off")
LLM_LLAMACPP_REPACK = os.environ.get("LABTUTOR_LLAMACPP_REPACK", "auto")
# Answers generated at once by one llm worker (its thread pool and the engine's batch size).
LLM_PARALLEL_REQUESTS = int(os.environ.get("LABTUTOR_LLM_PARALLEL", "8"))
# llama.cpp: recent prompts kept so that the next prompt starting the same (a class on one
# exercise) skips prefilling the shared part; each costs one more KV stream (runners.py). 0: off.
LLM_PREFIX_HOLDERS = int(os.environ.get("LABTUTOR_LLM_PREFIX_HOLDERS", "2"))
LLM_REQUEST_SECONDS = float(os.environ.get("LABTUTOR_LLM_REQUEST_SECONDS", "120"))
# Answers the idle model writes ahead per exercise, for its likely mistakes (0: none).
LLM_AHEAD_PER_EXERCISE = int(os.environ.get("LABTUTOR_LLM_AHEAD_PER_EXERCISE", "8"))
# Answer cap in tokens; 0: auto, 256 for a configured model and 128 for the embedded demo model
# (tutor/assist/engine.py answer_limits). The full prompt asks for answers of at most about 120
# words (~160 tokens); 256 leaves room for a code-heavy explanation. Longer caps let a weak model
# ramble, and on a CPU lab server those tokens are other students' waiting time
# (bench/loadtest.py: with 384, 40 students' hints overflowed the queue; with 256 every one was
# answered).
LLM_MAX_NEW_TOKENS = int(os.environ.get("LABTUTOR_LLM_MAX_NEW_TOKENS", "0"))
# Prompt cap in tokens (every prompt token costs prefill time on a CPU); 0: auto, the model's
# window for a configured model and 384 for the embedded demo model.
LLM_MAX_PROMPT_TOKENS = int(os.environ.get("LABTUTOR_LLM_MAX_PROMPT_TOKENS", "0"))
# full or compact (tutor/llm/prompts.py PromptStyle); auto: compact for the embedded demo model.
LLM_PROMPT_STYLE = os.environ.get("LABTUTOR_LLM_PROMPT_STYLE", "auto")
# The model's threads run at this nice value (0-19): pages and grading come first on a shared
# server (tutor/assist/worker.py).
LLM_NICE = int(os.environ.get("LABTUTOR_LLM_NICE", "10"))


def env_rate(name: str, default: str) -> tuple[int, float]:
    """ "6/60" is 6 per 60 seconds; "0" or "off" means no limit."""
    value = os.environ.get(name, default).strip().lower()
    if value in {"", "0", "off", "none"}:
        return 0, 1.0
    count, _, seconds = value.partition("/")
    return int(count), float(seconds or 60)


# AI requests per student (tutor/ratelimit.py); inline completions have their own bucket.
LLM_RATE_LIMIT_REQUESTS, LLM_RATE_LIMIT_SECONDS = env_rate("LABTUTOR_AI_RATE_LIMIT", "6/60")
LLM_COMPLETION_RATE_LIMIT_REQUESTS, LLM_COMPLETION_RATE_LIMIT_SECONDS = env_rate(
    "LABTUTOR_AI_COMPLETION_RATE_LIMIT", "30/60"
)
# Runs and Submits per student (tutor/ratelimit.py): each one is a sandbox run of the class's
# few cores; a double click or a resend of the same code is not counted (grading.submit_code).
SUBMISSION_RATE_LIMIT_REQUESTS, SUBMISSION_RATE_LIMIT_SECONDS = env_rate(
    "LABTUTOR_SUBMISSION_RATE_LIMIT", "20/60"
)
# Messages one WebSocket may send in a window before further ones are dropped (tutor/sockets.py).
SOCKET_FLOOD_MESSAGES, SOCKET_FLOOD_SECONDS = env_rate("LABTUTOR_SOCKET_FLOOD_LIMIT", "30/10")

# The instructor's live class view (tutor/live/selectors.py): a student counts as stuck on an
# exercise after this many failed runs in a row, this many minutes without a passing run, or
# this many AI hints on it.
LIVE_STUCK_FAILED_RUNS = int(os.environ.get("LABTUTOR_LIVE_STUCK_FAILED_RUNS", "3"))
LIVE_STUCK_MINUTES = int(os.environ.get("LABTUTOR_LIVE_STUCK_MINUTES", "10"))
LIVE_STUCK_HINTS = int(os.environ.get("LABTUTOR_LIVE_STUCK_HINTS", "3"))

# Importing exercises from the instructors' page (tutor/content/): server folders it may read,
# and the limits on an uploaded .zip or .tar.gz (docs/exercise-format.md).
CONTENT_IMPORT_ROOTS = [
    Path(root)
    for root in env_list(
        "LABTUTOR_CONTENT_IMPORT_ROOTS",
        [str(BASE_DIR / "exercises" / "curriculum"), str(VAR_DIR / "imports")],
    )
]
CONTENT_ARCHIVE_MAX_BYTES = int(os.environ.get("LABTUTOR_CONTENT_ARCHIVE_MAX_MB", "20")) * 2**20
CONTENT_ARCHIVE_MAX_FILES = int(os.environ.get("LABTUTOR_CONTENT_ARCHIVE_MAX_FILES", "2000"))
CONTENT_ARCHIVE_MAX_UNPACKED_BYTES = (
    int(os.environ.get("LABTUTOR_CONTENT_ARCHIVE_MAX_UNPACKED_MB", "100")) * 2**20
)
# Django's upload limits, to match: an upload (the archive above, a roster CSV) is spooled to a
# temporary file past 2.5 MiB, form fields without files may hold 2.5 MiB (a pasted roster of
# 500 students is ~20 KB), and no request body may exceed the archive cap plus room for the form
# (tutor/request_limits.py refuses it with 413 before Django reads it).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 2
REQUEST_BODY_MAX_BYTES = CONTENT_ARCHIVE_MAX_BYTES + 2**20

# The solution-leak guard (tutor/guard/models.py explains each threshold). Turning it off is
# for measuring the bare pipeline and for tests on random-weight models, never for a class.
GUARD_ENABLED = env_bool("LABTUTOR_GUARD", True)
GUARD_SIMILARITY_BLOCK = float(os.environ.get("LABTUTOR_GUARD_SIMILARITY_BLOCK", "0.8"))
GUARD_SIMILARITY_REDACT = float(os.environ.get("LABTUTOR_GUARD_SIMILARITY_REDACT", "0.5"))
GUARD_RUN_CODE_BLOCKS = env_bool("LABTUTOR_GUARD_RUN_CODE_BLOCKS", True)
# Questions asking for the tutor's instructions, or plainly off-topic, get a fixed short refusal
# without the model (tutor/assist/question_screen.py says how they are recognised).
AI_SCREEN_QUESTIONS = env_bool("LABTUTOR_AI_SCREEN_QUESTIONS", True)

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    CSRF_COOKIE_HTTPONLY = False
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
# A lab LAN usually has no TLS certificate; a server that has one turns these on.
SECURE_SSL_REDIRECT = env_bool("LABTUTOR_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = int(os.environ.get("LABTUTOR_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LABTUTOR_HSTS_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("LABTUTOR_HSTS_PRELOAD", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LABTUTOR_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
