# Production image: gunicorn serving the portal, static files collected at build time.
#   docker build -t boms .     (docker-compose.yml runs it against PostgreSQL 15)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system boms && useradd --system --gid boms --home-dir /app boms

WORKDIR /app
# Dependencies first (pyproject.toml installs no packages of its own: the apps run from /app),
# so changing the code does not reinstall them.
COPY pyproject.toml ./
RUN pip install . && rm -rf build *.egg-info
COPY . .

# Settings refuse to start without a SECRET_KEY when DEBUG is off: this one only builds.
# tests/test_settings.py runs the same collectstatic and gunicorn --check-config.
RUN DEBUG=false SECRET_KEY=build-only-not-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && python -c "import compileall, sys; sys.exit(not compileall.compile_dir('.', quiet=1))" \
    && DEBUG=false SECRET_KEY=build-only-not-secret gunicorn --check-config -c gunicorn.conf.py boms.wsgi \
    && mkdir -p /app/media \
    && chown -R boms:boms /app

USER boms
EXPOSE 8000
# Production sets (docker run -e …, or docker-compose.yml; .env.example explains each):
# SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, DATABASE_URL=postgres://…, EMAIL_URL,
# SITE_URL, and CACHE_URL=redis://… — one cache for every process of every container, which
# sessions are then read through. Without CACHE_URL nothing is cached and sessions stay in
# PostgreSQL: still correct across processes, only slower.
# gunicorn.conf.py: gthread workers, WEB_CONCURRENCY processes (default 2 x cores + 2) x
# GUNICORN_THREADS threads (default 2); e.g. docker run -e WEB_CONCURRENCY=3 -e GUNICORN_THREADS=4.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "boms.wsgi"]
