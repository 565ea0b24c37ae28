# Production image: gunicorn serving the portal, static files collected at build time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system boms && useradd --system --gid boms --home-dir /app boms

WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install .

# Settings refuse to start without a SECRET_KEY when DEBUG is off: this one only builds.
RUN DEBUG=false SECRET_KEY=build-only-not-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && python -c "import compileall, sys; sys.exit(not compileall.compile_dir('.', quiet=1))" \
    && chown -R boms:boms /app

USER boms
EXPOSE 8000
# Workers and threads: gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_THREADS override them).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "boms.wsgi"]
