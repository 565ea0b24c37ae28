"""gunicorn settings for production; every value can be overridden from the environment.

Each request mostly waits on PostgreSQL, so threads overlap that wait cheaply: on the
2-core machines we run on, 3 processes x 4 threads serve 12 requests at once with
12 database connections, and a crash or a slow request costs one process, not the site.
Consecutive requests of one browser land on different processes, so nothing a request needs
may live in one process's memory: sessions are in PostgreSQL, the cache (CACHE_URL) is Redis
or none (boms/settings.py, web/checks.py).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
accesslog = None  # the app logs each request as JSON (health.logging)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
