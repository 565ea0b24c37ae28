"""Settings for BOMS, read from the environment (see .env.example)."""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=true for local development); see .env.example."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin, whose templates (the first page) they override and whose Korean
    # strings the workspace's catalogue may word better.
    "workspace",
    "backoffice",
    "web.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "worker",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "web",
    "accounts",
    "regions",
    "rooms",
    "reservations",
    "waitlist",
    "demand",
    "portal",
    "dashboard",
    "api",
    "health",
]

MIDDLEWARE = [
    "health.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the sessions: a session saved while answering is a write that pins the browser.
    "web.replica.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "web.middleware.PrivateResponsesMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # /api/ only: CORS, keys and rate limits, problem details, ETags; wraps the hygiene
    # middleware below so that its 400 is a problem too (api/middleware.py).
    "api.middleware.ApiMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Refuses hostile input before any view or process_view reads it; placed after CSRF and
    # CSP so that its 400 page still gets their cookie and headers (web/middleware.py).
    "web.middleware.RequestHygieneMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "boms.urls"
WSGI_APPLICATION = "boms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Serialise writers so that the overlap check and the insert of a booking
    # happen under one write lock (PostgreSQL relies on an exclusion constraint).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

# A streaming replica for reads that may be a little stale (web/replica.py says which).
REPLICA_DATABASE_URL = env.str("REPLICA_DATABASE_URL", default="")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = env.db_url_config(REPLICA_DATABASE_URL)
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"].setdefault("CONN_HEALTH_CHECKS", True)
# Behind PgBouncer in transaction pooling mode (DATABASE_POOLING=transaction) a connection is
# another server session at every transaction: no server-side cursors (they live across
# transactions), no prepared statements (PgBouncer 1.18 cannot track them), and the server's
# TimeZone must be UTC already so that Django sets nothing per session (README "Several app
# servers and a replica").
if env.str("DATABASE_POOLING", default="") == "transaction":
    for database in DATABASES.values():
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database.setdefault("OPTIONS", {})["prepare_threshold"] = None
DATABASE_ROUTERS = ["web.replica.ReplicaRouter"]
# The alias that web.replica's router reads from, or None: everything on the primary.
READ_REPLICA = "replica" if REPLICA_DATABASE_URL else None
# After any write a browser reads the primary for this long: longer than the replica's lag.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=30)
# The views whose reads may go to the replica: a URL namespace or name, and who may (anyone,
# or only visitors not signed in, whose pages show nothing they did themselves).
REPLICA_READS = {
    "dashboard": "anyone",
    "home": "anonymous",
    "district_options": "anyone",
    "room": "anonymous",
    "photo": "anyone",
    "api": "anyone",
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Every process must see the same cache, or one process's invalidation is lost on the others
# (cached figures go stale, a throttle counts per process, cached sessions outlive a sign-out).
# Without CACHE_URL the cache is a table of the database (`manage.py createcachetable`), shared
# by every process; production sets Redis (redis://…). web.checks flags a per-process cache.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://boms_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "web.redis_cache.RedisCache"

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
# Requests and tasks only queue mail (worker/outbox.py); the worker sends it through EMAIL_URL.
EMAIL_BACKEND = "worker.outbox.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG.pop("EMAIL_BACKEND")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Attempts at 1, 2, 4 … minutes, then hourly: 10 attempts span about four hours.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="BOMS <noreply@boms.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

# The task queue: django-tasks (Django 6's django.tasks, backported) on the database.
# `manage.py run_worker` processes it; README "Deploying" says how many and how to supervise.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=5)
TASK_RESULT_RETENTION_DAYS = env.int("TASK_RESULT_RETENTION_DAYS", default=7)
EMAIL_RETENTION_DAYS = env.int("EMAIL_RETENTION_DAYS", default=30)
# /readyz/queue fails when a due task has waited, or the last sweep is, older than this.
QUEUE_MAX_WAIT_SECONDS = env.int("QUEUE_MAX_WAIT_SECONDS", default=300)
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env.int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", default=180)
# Reminders before each approved booking, this many minutes ahead (bookers may turn them off).
BOOKING_REMINDERS = [
    datetime.timedelta(minutes=minutes)
    for minutes in env.list("BOOKING_REMINDER_MINUTES", cast=int, default=[24 * 60, 60])
]
# Purpose, company and phone of bookings that ended longer ago are blanked (privacy notice).
BOOKING_PERSONAL_DATA_RETENTION_DAYS = env.int(
    "BOOKING_PERSONAL_DATA_RETENTION_DAYS", default=3 * 365
)
# Who read bookers' personal details is logged and kept this long (PIPA's safety measures ask for
# access records of at least one year, two for large systems).
PERSONAL_DATA_ACCESS_RETENTION_DAYS = env.int(
    "PERSONAL_DATA_ACCESS_RETENTION_DAYS", default=2 * 365
)

AUTHENTICATION_BACKENDS = [
    "accounts.backends.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins lock the account, and separately the address, for 15 minutes;
# resetting the password unlocks the account at once.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The sign-in forms post the e-mail as "username"; axes would otherwise look for "email".
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# The open API's rate without a key, per client address and minute (with a key: the key's own).
API_ANONYMOUS_RATE = env.int("API_ANONYMOUS_RATE", default=60)

# Staff sign in with a second factor (accounts/mfa.py); authenticator apps show this name.
OTP_TOTP_ISSUER = "BOMS"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every date a form, the admin or a filter accepts lies in this range (web.validators): far
# beyond any booking or report, and far enough from the calendar's edges for date arithmetic.
ACCEPTED_DATES = (datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Seoul"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (the sites' and rooms' photos) go through Django's storage API: files under
# MEDIA_ROOT by default, which every process must share (one server, or a shared volume); in
# production an S3-compatible bucket (`pip install '.[s3]'`, then PHOTO_BUCKET and the AWS_*
# variables of .env.example). Pages never link to the store itself: portal/views/photos.py
# reads each photo through the API, so the content security policy stays 'self'.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env.str("PHOTO_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("PHOTO_BUCKET"),
            # e.g. https://kr.object.ncloudstorage.com (NAVER Cloud) or a MinIO server.
            "endpoint_url": env.str("PHOTO_BUCKET_ENDPOINT_URL", default="") or None,
            "region_name": env.str("PHOTO_BUCKET_REGION", default="") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

CSRF_FAILURE_VIEW = "web.views.csrf_failure"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
QUERY_COUNT_HEADER = env.bool("QUERY_COUNT_HEADER", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "health.logging.RequestIdFilter"},
        "redact_secrets": {"()": "web.redaction.RedactSecretsFilter"},
    },
    "formatters": {"json": {"()": "health.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id", "redact_secrets"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"handlers": [], "propagate": False},
        # Our middleware logs every request; Django's own request logger would repeat 4xx lines.
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        "boms.request": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Security. Production defaults; tests and local HTTP runs turn the HTTPS redirect off by env.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions live in the database, read through the cache only when it is a shared cache apart
# from the database: a per-process cache would keep a signed-out session alive in the other
# processes, and the database cache would only read the database twice.
no_session_cache = {
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.db.DatabaseCache",
}
SESSION_ENGINE = "django.contrib.sessions.backends." + (
    "db" if CACHES["default"]["BACKEND"] in no_session_cache else "cached_db"
)
# Rooms' PCs are shared: a session ends with the browser and after two hours at most.
SESSION_COOKIE_AGE = 2 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The map's tile server: OpenStreetMap's by default; in production a Korean public service
# (VWorld, https://api.vworld.kr/req/wmts/1.0.0/<key>/Base/{z}/{y}/{x}.png) or a self-hosted one.
# The content security policy admits images from this server's origin only.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")
_tiles = urlsplit(MAP_TILE_URL)
MAP_TILE_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc}" if _tiles.netloc else SELF
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", MAP_TILE_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
