"""Gunicorn settings of the portal: `gunicorn chizai_portal.wsgi -c chizai_portal/gunicorn.conf.py`.

Every value can be changed through the environment:

GUNICORN_BIND          address to listen on (default 127.0.0.1:8000; 0.0.0.0:8000 behind a load balancer)
GUNICORN_WORKERS       processes (default 2 × CPU cores + 1)
GUNICORN_THREADS       threads per process (default 1: gunicorn's sync worker, see `threads` below)
GUNICORN_TIMEOUT       seconds before a stuck request's worker is restarted (default 60: large imports)
GUNICORN_MAX_REQUESTS  requests after which a worker is replaced (default 1000, with up to 10% jitter)
FORWARDED_ALLOW_IPS    read by gunicorn itself: the proxies trusted for X-Forwarded-* (default 127.0.0.1,::1)

The application itself is stateless: sessions and the dashboard cache live in the database, static files
are read from STATIC_ROOT (each process keeps judgements in memory only under stamps read from the
database, reports/dashboards/judged_memo.py), so any number of these processes on any number of hosts can serve the portal.
"""

import multiprocessing
import os

from django.core.exceptions import ImproperlyConfigured


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1, not {value}")
    return value


bind = os.environ.get("GUNICORN_BIND", "").strip() or "127.0.0.1:8000"
workers = _positive_int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
# One thread per worker (gunicorn's sync worker): a process takes a request only when it is free, so a
# cached page is never queued behind a half-year report being computed in a busy process. With two
# threads each process accepted connections while both were busy, and under the load test
# (BENCHMARKS.md) dashboards served in 45 ms at p95 waited 0.7 s for their process. Clients on a slow
# network are better buffered by the reverse proxy in front; more threads are an option then.
threads = _positive_int("GUNICORN_THREADS", 1)
timeout = _positive_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# With threads: longer than the default 2 s, so that a load balancer's reused connections are not cut
# under it (the sync worker closes each connection after its response).
keepalive = 5

# A worker is replaced after this many requests; the jitter keeps them from all restarting at once.
max_requests = _positive_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(1, max_requests // 10)

# Each worker imports the application itself: no database connection is shared across a fork.
preload_app = False

# Access and error logs to stdout/stderr, for journald, a container runtime or a log collector.
accesslog = "-"
errorlog = "-"
# The last field is the portal's request id (the X-Request-ID header): the same as in its log lines.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'

# Heartbeat files in memory where there is such a folder (containers have a small, slow /tmp).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# No control socket in the user's home folder: several instances may run side by side, and the
# processes are managed by the service manager (systemd, a container runtime).
control_socket_disable = True

proc_name = "chizai-portal"
