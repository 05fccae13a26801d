"""Live state of submissions being graded, kept in Redis (the shared job lifecycle: tutor/jobs.py).

While a runner worker grades a submission it renews a short-lived "alive" key; a submission that
is "running" without one lost its worker (killed, out of memory, its machine gone), so the
watchdog can grade it again at once instead of waiting for the broker's visibility timeout.
"""

from tutor.jobs import LiveJobs

GRADING = LiveJobs("grading", heartbeat_ttl_seconds=6, beat_every_seconds=2.0)

beat = GRADING.beat
is_alive = GRADING.is_alive
beating = GRADING.beating
claim_requeue = GRADING.claim_requeue
requeued_recently = GRADING.requeued_recently
forget = GRADING.forget
