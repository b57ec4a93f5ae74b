"""gunicorn's settings for Nearer in production.

    gunicorn -c guide/gunicorn.conf.py guide.wsgi

Command-line flags override these (the perf scripts pass `--bind`). The
environment variables are listed in the README, "Running in production".
"""

import os

bind = os.environ.get("NEARER_BIND", "127.0.0.1:8000")

# Two sync workers per core. A request here is short and mostly CPU; on two
# cores 4 sync workers beat 2 and 8, and 2 gthread workers of 4 threads, for
# the bare view, the stage page and autosave (tests/perf/guard.py --workers,
# --threads).
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * len(os.sched_getaffinity(0))))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# Behind nginx, which keeps its own connections to the clients.
keepalive = 5

# Load Django once in the master and fork: workers start in milliseconds
# (a killed worker is back at once) and share the imported code's memory.
preload_app = True

# The control socket (gunicornc) is of no use in production and would be
# created under $HOME.
control_socket_disable = True

# Path only: a query string can hold a search of someone's notes, so neither
# it, the referrer nor any body reaches the log.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("NEARER_GUNICORN_LOG_LEVEL", "info")

# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108  # nosec B108
