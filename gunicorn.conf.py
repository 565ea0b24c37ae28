"""gunicorn settings for production; every value can be overridden from the environment.

A request now spends most of its time in Python (a search: ~11 ms of CPU, 1–2 ms waiting on
PostgreSQL), and the threads of one process share one interpreter lock: so processes, 2 per
core + 2, with 2 threads each to overlap the waits. On the 2-core machines we run on, 6
processes x 2 threads serve 12 requests at once with 12 database connections, as 3 x 4 did,
with a quarter more searches a second alone and shorter tails under the mix
(benchmarks/README.md); a crash or a slow request costs one process, not the site.
Consecutive requests of one browser land on different processes, so nothing a request needs
may live in one process's memory: sessions are in PostgreSQL, the cache (CACHE_URL) is Redis
or none (boms/settings.py, web/checks.py).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
accesslog = None  # the app logs each request as JSON (health.logging)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
