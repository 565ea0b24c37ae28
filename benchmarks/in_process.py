"""Command-line options and Django set-up shared by the in-process profiles (booking_profile,
search_profile): production settings against the benchmark's database, static files collected."""

import argparse
import os
import tempfile

import django


def setup(description):
    """Parse --database-url, --cache-url and --requests, set Django up, collect static files."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/boms_bench"))  # fmt: skip
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="boms.settings", DEBUG="false", SECRET_KEY="profile-" + "x" * 50,
        ALLOWED_HOSTS="testserver", DATABASE_URL=args.database_url, CACHE_URL=args.cache_url,
        SECURE_SSL_REDIRECT="false", LOG_LEVEL="WARNING", EMAIL_URL="dummymail://",
        STATIC_ROOT=tempfile.mkdtemp(prefix="boms-profile-"),
    )  # fmt: skip
    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    return args
