import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_without_a_secret_key_and_debug_off_fails_with_a_clear_message():
    result = run_check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_start_up_with_a_secret_key_passes_the_system_checks():
    result = run_check(DEBUG="false", SECRET_KEY="x" * 60, DATABASE_URL="sqlite:///:memory:")
    assert result.returncode == 0, result.stderr


def test_the_containers_collectstatic_step_succeeds_with_debug_off(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={
            **clean,
            "DEBUG": "false",
            "SECRET_KEY": "build-only-not-secret",
            "DATABASE_URL": "sqlite:////tmp/build.sqlite3",
            "STATIC_ROOT": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("css/boms.*.css.gz"))


def test_the_containers_gunicorn_command_loads_the_application():
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [gunicorn, "--check-config", "-c", "gunicorn.conf.py", "boms.wsgi"],
        cwd=ROOT,
        env={**clean, "DEBUG": "false", "SECRET_KEY": "build-only-not-secret"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_every_manage_py_command_the_containers_and_make_run_run_exists():
    from django.core.management import get_commands

    text = "".join(
        (ROOT / name).read_text() for name in ("Dockerfile", "docker-compose.yml", "Procfile.dev")
    )
    commands = set(re.findall(r"manage\.py (\w+)", text))
    assert {"collectstatic", "migrate", "run_worker", "runserver"} <= commands
    assert commands <= set(get_commands())
