"""Signing out ends the session in every process, with the default settings and with the
production ones (gunicorn runs several processes; a load balancer spreads requests over them)."""

import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client, override_settings

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
PROFILE = "/accounts/profile/"


def settings_with(**env):
    """SESSION_ENGINE and the cache backend that boms.settings derives from this environment."""
    clean = {
        k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; "
         "print(s.SESSION_ENGINE.rsplit('.', 1)[1], s.CACHES['default']['BACKEND'].rsplit('.', 1)[1])"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "boms.settings", **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ["db", "DatabaseCache"]),
        ({"CACHE_URL": "locmemcache://"}, ["db", "LocMemCache"]),
        ({"CACHE_URL": "redis://127.0.0.1:6379/1"}, ["cached_db", "RedisCache"]),
    ],
)
def test_sessions_are_cached_only_in_a_cache_every_process_shares(env, expected):
    assert settings_with(**env) == expected


@contextmanager
def process(name):
    """Requests served by one process: its own in-memory cache, the shared database."""
    backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
    with override_settings(CACHES={"default": backend}):
        yield


def signed_in(response):
    return response.status_code == 200


@pytest.mark.django_db
def test_signing_out_in_one_process_ends_the_session_in_another():
    user = UserFactory()
    first, second = Client(), Client()
    with process("first"):
        first.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
        cookie = first.cookies["sessionid"].value
    second.cookies["sessionid"] = cookie
    with process("second"):
        assert signed_in(second.get(PROFILE))
    with process("first"):
        assert first.post("/accounts/logout/").status_code == 302
    with process("second"):
        response = second.get(PROFILE)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    replay = Client()
    replay.cookies["sessionid"] = cookie
    with process("first"):
        assert replay.get(PROFILE).status_code == 302


# --- two gunicorn processes, as deployed ---


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


class Server:
    """One gunicorn process (gunicorn.conf.py, one worker) serving the test database."""

    def __init__(self, env, log_dir, name):
        self.port = free_port()
        self.log = (log_dir / f"{name}.log").open("w")
        self.process = subprocess.Popen(
            [Path(sys.executable).with_name("gunicorn"), "-c", "gunicorn.conf.py", "boms.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "1"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start: {self.log.name}")
            time.sleep(0.2)

    def request(self, method, path, cookies=None, form=None):
        """(status, Location, {cookie: value}) of one request."""
        http = HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        http.request(method, path, body=body, headers=headers)
        response = http.getresponse()
        response.read()
        set_cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            set_cookies[name] = rest.split(";", 1)[0]
        http.close()
        return response.status, response.headers.get("Location", ""), set_cookies

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def server_environment(extra):
    """The environment of a gunicorn process serving the test database as deployed, with
    `extra` on top; skips the test on SQLite, whose test database lives in this process."""
    if connection.vendor != "postgresql":
        pytest.skip("two server processes need a shared database (SQLite tests run in memory)")
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    return env | {
        "DJANGO_SETTINGS_MODULE": "tests.web.server_settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        **extra,
    }  # fmt: skip


@contextmanager
def two_servers(env, tmp_path):
    """Two gunicorn processes with `env`, stopped afterwards whatever happens."""
    started = []
    try:
        for name in ("first", "second"):
            started.append(Server(env, tmp_path, name))
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def servers(tmp_path, request):
    with two_servers(server_environment(request.param), tmp_path) as started:
        yield started


def sign_in(server, user):
    csrf = secrets.token_hex(16)
    status, _, cookies = server.request(
        "POST",
        "/accounts/login/",
        cookies={"csrftoken": csrf},
        form={"csrfmiddlewaretoken": csrf, "username": user.email, "password": PASSWORD},
    )
    assert status == 302, "sign-in failed"
    return cookies["sessionid"]


def sign_out(server, session):
    csrf = secrets.token_hex(16)
    status, _, _ = server.request(
        "POST",
        "/accounts/logout/",
        cookies={"csrftoken": csrf, "sessionid": session},
        form={"csrfmiddlewaretoken": csrf},
    )
    assert status == 302


def profile_status(server, session):
    status, location, _ = server.request("GET", PROFILE, cookies={"sessionid": session})
    return status if status == 200 else location.split("?")[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "servers",
    [
        pytest.param({}, id="defaults"),
        pytest.param(
            {"CACHE_URL": "redis://127.0.0.1:6379/7"},
            id="production-redis",
            marks=pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379"),
        ),
    ],
    indirect=True,
)
def test_signing_out_on_one_gunicorn_process_ends_the_session_on_the_other(servers):
    first, second = servers
    user = UserFactory()
    session = sign_in(first, user)
    # Both processes have read (and, with a cache in front, cached) the session.
    for _ in range(3):
        assert profile_status(first, session) == 200
        assert profile_status(second, session) == 200

    sign_out(second, session)

    for _ in range(15):
        assert profile_status(first, session) == "/accounts/login/"
        assert profile_status(second, session) == "/accounts/login/"
