"""The benchmark: a national-scale dataset, the portal under gunicorn, load from locust.

    make bench                          # full run: ~1M bookings, 20 users, 60 s per phase
    .venv/bin/python -m benchmarks.run --scale 0.05 --duration 15   # a quick look

Prints, per page: requests/s, p50/p95/p99, errors, queries per request, and throughput as a
ratio to /healthz measured in the same run; the peak memory of each worker; and the
contention test (200 simultaneous bookings of one slot). Figures go to benchmarks/results/.
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PORT = 8100
HOST = f"http://127.0.0.1:{PORT}"


def bench_env(database_url):
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", secrets.token_urlsafe(50)),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/5"),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "QUERY_COUNT_HEADER": "true",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "DJANGO_SETTINGS_MODULE": "boms.settings",
    }


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(env, database_url, *, reuse, scale, users):
    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0]
    if not reuse:
        subprocess.run(
            [
                "psql",
                f"{server}/postgres",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f"DROP DATABASE IF EXISTS {name}",
                "-c",
                f"CREATE DATABASE {name}",
            ],
            check=True,
        )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_registry")
    manage(env, "load_demo")
    if not reuse:
        started = time.monotonic()
        subprocess.run(
            [PYTHON, "-m", "benchmarks.build", "--scale", str(scale), "--users", str(users)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(f"dataset built in {time.monotonic() - started:.0f} s")
    manage(env, "collectstatic", "--noinput", "-v0")


def start_gunicorn(env):
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "boms.wsgi"], cwd=ROOT, env=env
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{HOST}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def worker_pids(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_memory_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_locust(env, users, duration):
    RESULTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            "benchmarks/locustfile.py",
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{duration}s",
            "--host",
            HOST,
            "--csv",
            str(RESULTS / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "5",
        ],
        cwd=ROOT,
        env={**env, "BENCH_RESULTS": str(RESULTS)},
        check=False,
    )
    return json.loads((RESULTS / "pages.json").read_text())


def print_table(pages, memory, contention):
    ceiling = pages.get("healthz", {}).get("rps") or 1
    header = (
        f"{'page':<22}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}"
        f"{'errors':>8}{'queries':>9}{'vs healthz':>12}"
    )
    print("\n" + header)
    print("-" * len(header))
    for name, row in pages.items():
        print(
            f"{name:<22}{row['rps']:>8.1f}{row['p50']:>7.0f}{row['p95']:>7.0f}{row['p99']:>7.0f}"
            f"{row['errors']:>8}{row['queries']:>9.1f}{row['rps'] / ceiling:>11.0%}"
        )
    print("(latencies in ms; queries = mean SQL queries per request)")
    print("peak memory per worker (MiB): " + ", ".join(f"{m:.0f}" for m in memory))
    if contention:
        print(
            f"contention: {contention['attempts']} simultaneous bookings of one slot -> "
            f"{contention['succeeded']} succeeded, {contention['taken']} told 'just taken', "
            f"{contention['server_errors']} server errors, {contention['other']} other; "
            f"{contention['rows']} active row(s) in the database"
        )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/boms_bench")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = about a million bookings")
    parser.add_argument("--users", type=int, default=5000, help="registered users to create")
    parser.add_argument("--concurrency", type=int, default=20, help="simultaneous locust users")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--reuse", action="store_true", help="keep the existing dataset")
    args = parser.parse_args()

    env = bench_env(args.database_url)
    prepare_database(env, args.database_url, reuse=args.reuse, scale=args.scale, users=args.users)
    server = start_gunicorn(env)
    try:
        pages = run_locust(env, args.concurrency, args.duration)
        memory = [peak_memory_mib(pid) for pid in worker_pids(server.pid)]
        contention = json.loads(
            subprocess.run(
                [PYTHON, "-m", "benchmarks.contention", "--host", HOST, "--attempts", "200"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print_table(pages, memory, contention)
    (RESULTS / "last.json").write_text(
        json.dumps({"pages": pages, "memory_mib": memory, "contention": contention}, indent=2)
    )
    failed = (
        contention["succeeded"] != 1
        or contention["server_errors"]
        or any(row["server_errors"] for row in pages.values())
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
