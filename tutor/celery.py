"""The Celery app: queue "runner" grades code in the sandbox, queue "llm" runs the model."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutor.settings")

app = Celery("tutor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The workers' housekeeping thread (liveness and recovery of lost work) starts with each worker.
from tutor import watchdog  # noqa: E402,F401
