"""`make bench`: the portal under gunicorn with production settings, load from locust, figures.

1. The database (PostgreSQL) gets the registry and, with --build or when empty, a year of bookings.
2. gunicorn serves it exactly as in production (DEBUG off, whitenoise, gunicorn.conf.py).
3. Mix, after 15 s of unmeasured warm-up: --users visitors, each pausing 0.5–1.5 s between
   requests, for --duration seconds: latency percentiles, errors and queries per request
   (X-DB-Queries) per page; /healthz paced the same way for comparison.
4. Capacity: each page alone, requested back to back by --users connections for
   --capacity-seconds; its requests/s over /healthz's is its share of the machine's ceiling.
5. Contention: --racers users POST the same slot at the same instant.

Throughout, --workers task workers (`manage.py run_worker`) run beside gunicorn as in
production: they send the bookings' e-mail and run the minute sweep. The queue's length is
sampled every second and printed: it must stay bounded.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import django

from benchmarks.stats import TRIVIAL, cpu_table, figures, table, verdicts

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PAGES = ("healthz", "search partial", "room page", "my reservations",
                  "dashboard nation", "dashboard region", "booking POST",
                  "api availability", "api free rooms")  # fmt: skip


def server_environment(args, static_root):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "boms.settings",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": args.database_url,
        "CACHE_URL": args.cache_url,
        "STATIC_ROOT": static_root,
        # Plain HTTP on the loopback: no redirect to HTTPS, cookies sent without TLS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "QUERY_COUNT_HEADER": "true",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
    }


def prepare_database(args):
    from django.core.management import call_command
    from django.utils import timezone

    from benchmarks.dataset import DatasetSize, bring_up_to, build
    from reservations.models import Reservation
    from rooms.models import Room

    call_command("migrate", verbosity=0)
    if not Room.objects.exists():
        call_command("load_registry")
    if args.build or not Reservation.objects.exists():
        started = time.monotonic()
        build(DatasetSize(users=5000, months=12, scale=args.scale), stdout=sys.stdout)
        print(f"dataset built in {time.monotonic() - started:.0f} s")
    print(f"{Reservation.objects.count():,} reservations, {Room.objects.count():,} rooms")
    print(f"{bring_up_to(timezone.now()):,} bookings brought up to now (checked in, reminded)")


def start_workers(env, count):
    return [
        subprocess.Popen(
            [
                str(VENV_BIN / "python"),
                "manage.py",
                "run_worker",
                "--no-startup-delay",
                "--worker-id",
                f"bench-worker-{n}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for n in range(count)
    ]


class QueueSampler(threading.Thread):
    """The task queue's length once a second: due tasks and how long the oldest has waited."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples, self.running = [], True
        self.marks = {}

    def run(self):
        from django.db import connection

        from worker.queue import watch

        while self.running:
            figures = watch()
            self.samples.append((figures["due_tasks"], figures["oldest_due_task_age_s"]))
            time.sleep(1)
        connection.close()

    def mark(self, name):
        """Remember where a phase of the run begins in the samples."""
        self.marks[name] = len(self.samples)

    def summary(self, since=None, until=None):
        window = self.samples[self.marks.get(since, 0) : self.marks.get(until)]
        if not window:
            return "no samples"
        due = sorted(count for count, _ in window)
        return (
            f"due tasks max {due[-1]}, median {due[len(due) // 2]}, last {window[-1][0]}; "
            f"oldest due task waited at most {max(age for _, age in window):.1f} s "
            f"({len(window)} samples)"
        )


def start_server(env, port):
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "boms.wsgi"], cwd=ROOT, env=env
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not become ready")


class MemorySampler(threading.Thread):
    """Peak resident memory of every gunicorn worker while the load runs."""

    def __init__(self, master_pid):
        super().__init__(daemon=True)
        self.master_pid, self.peaks, self.running = master_pid, defaultdict(int), True

    def run(self):
        import psutil

        master = psutil.Process(self.master_pid)
        while self.running:
            for worker in master.children():
                with contextlib.suppress(psutil.NoSuchProcess):
                    self.peaks[worker.pid] = max(self.peaks[worker.pid], worker.memory_info().rss)
            time.sleep(0.5)


def locust(args, env, plan_path, record_path, *, pages, seconds, wait):
    command = [str(VENV_BIN / "locust"), "-f", str(ROOT / "benchmarks/locustfile.py"),
               "--headless", "--only-summary", "--loglevel", "ERROR",
               # Server errors are figures of the run, not a failure of locust.
               "--exit-code-on-error", "0",
               "-u", str(args.users), "-r", str(args.users), "-t", f"{seconds}s",
               "--host", f"http://127.0.0.1:{args.port}"]  # fmt: skip
    record_path.write_text("")
    started = time.monotonic()
    subprocess.run(
        command,
        env={
            **env,
            "PYTHONPATH": str(ROOT),
            "BENCH_PLAN": str(plan_path),
            "BENCH_RECORD": str(record_path),
            "BENCH_PAGES": ",".join(pages),
            "BENCH_WAIT": "1" if wait else "0",
        },  # fmt: skip
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    elapsed = time.monotonic() - started
    lines = [json.loads(line) for line in record_path.read_text().splitlines() if line]
    return lines, min(elapsed, seconds)


def free_the_bookers():
    from benchmarks.prepare import forget_bookings
    from reservations.models import Reservation

    forget_bookings(Reservation.objects.filter(booked_by__email__startswith="bench-booker-"))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/boms_bench"))  # fmt: skip
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--build", action="store_true", help="rebuild the dataset first")
    parser.add_argument("--scale", type=float, default=1.0, help="bookings per day × scale")
    parser.add_argument("--users", type=int, default=20, help="concurrent connections")
    parser.add_argument("--duration", type=int, default=60, help="seconds of mixed load")
    parser.add_argument("--capacity-seconds", type=int, default=10)
    parser.add_argument("--racers", type=int, default=200)
    parser.add_argument("--port", type=int, default=8811)
    parser.add_argument("--contention-only", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="task workers beside gunicorn")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL (--database-url postgres://…).")
    _create_database(args.database_url)

    work = Path(tempfile.mkdtemp(prefix="boms-bench-"))
    env = server_environment(args, str(work / "static"))
    os.environ.update(env)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import contention, prepare

    prepare_database(args)
    call_command("collectstatic", interactive=False, verbosity=0)
    plan_path, record_path = work / "plan.json", work / "requests.jsonl"
    plan_path.write_text(json.dumps(prepare.plan()))
    connection.close()

    other_work = OtherWork()
    server = start_server(env, args.port)
    workers = start_workers(env, args.workers)
    sampler = MemorySampler(server.pid)
    sampler.start()
    queue = QueueSampler()
    queue.start()
    try:
        pages = []
        if not args.contention_only:
            free_the_bookers()
            # Unmeasured: every worker loads its code and compiles its templates first.
            locust(args, env, plan_path, record_path, pages=["mix"], seconds=15, wait=True)
            print(settle())
            queue.mark("mix")
            lines, seconds = locust(args, env, plan_path, record_path, pages=["mix"],
                                    seconds=args.duration, wait=True)  # fmt: skip
            queue.mark("capacity")
            pages = figures(lines, seconds)
            trivial, _ = locust(args, env, plan_path, record_path, pages=[TRIVIAL],
                                seconds=args.capacity_seconds, wait=True)  # fmt: skip
            pages += figures(trivial, args.capacity_seconds)
            for page in pages:
                meter = CpuSplit(server.pid, workers)
                lines, seconds = locust(args, env, plan_path, record_path, pages=[page.name],
                                        seconds=args.capacity_seconds, wait=False)  # fmt: skip
                page.capacity_rps = len(lines) / seconds
                page.cpu_per_request = meter.per_request(len(lines))
                print(f"capacity {page.name}: {page.capacity_rps:.0f} req/s")
            pages.sort(key=lambda page: PAGES.index(page.name))
            queue.mark("race")
        outcome = contention.race(f"http://127.0.0.1:{args.port}", users=args.racers)
        drained = drain(queue)
    finally:
        sampler.running = queue.running = False
        server.terminate()
        for worker in workers:
            worker.terminate()
        server.wait(timeout=30)
        for worker in workers:
            worker.wait(timeout=60)
    machine = f"{describe_machine()}; other work took {other_work.share():.0%} of the CPU meanwhile"
    report(args, machine, pages, sampler.peaks, outcome)
    if not args.contention_only:
        print(
            f"\nQueue with {args.workers} workers: during the mix {queue.summary('mix', 'capacity')}"
        )
        print(f"  while each page ran alone: {queue.summary('capacity', 'race')}")
    print(f"  after the run: {drained}")
    passed = all(ok for *_, ok in verdicts(pages)) if pages else True
    sys.exit(0 if passed and outcome.passed else 1)


def settle(seconds=120):
    """Wait for the workers' start-up work (the first sweep's steps, e.g. the dashboard's
    reading ahead after the plan's new accounts changed the history) before measuring."""
    from django.db import connection
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from worker.queue import watch

    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exclude(
        task_path__endswith=".sweep"
    )
    started = time.monotonic()
    try:
        while time.monotonic() - started < seconds:
            if not watch()["due_tasks"] and not running.exists():
                return f"workers idle {time.monotonic() - started:.0f} s after the warm-up"
            time.sleep(1)
        return f"workers still busy {seconds} s after the warm-up"
    finally:
        connection.close()


def drain(queue, seconds=60):
    """Wait for the workers to empty the queue; say how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if queue.samples and queue.samples[-1][0] == 0:
            return f"empty {time.monotonic() - started:.0f} s after the race"
        time.sleep(1)
    return f"{queue.samples[-1][0]} tasks still due {seconds} s after the race"


def describe_machine():
    """Cores, CPU model and memory."""
    import psutil

    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{psutil.cpu_count()} cores ({models[0] if models else 'model unknown'}), {memory:.0f} GiB"
    )


def cpu_seconds(process, *, reaped=True):
    """A psutil process's CPU seconds, with (`reaped`) its children that it has waited for;
    0 for a process that has gone."""
    import psutil

    with contextlib.suppress(psutil.NoSuchProcess):
        times = process.cpu_times()
        own = times.user + times.system
        return own + (times.children_user + times.children_system if reaped else 0)
    return 0


def cpu_seconds_by_name(*names):
    """{name: CPU seconds of every process so named}: a server's processes and, through the
    postmaster's own figure, the PostgreSQL backends that have exited since it started."""
    import psutil

    seconds = dict.fromkeys(names, 0.0)
    for process in psutil.process_iter(["name"]):
        if process.info["name"] in seconds:
            seconds[process.info["name"]] += cpu_seconds(process)
    return seconds


class OtherWork:
    """The machine's CPU time spent on anything but this run and PostgreSQL while it ran.

    Other work on the same cores (a test suite, a build) slows every page; the figures are
    only the portal's when this share is small. This process's figure includes the children
    it has waited for: locust, and gunicorn with every worker it reaped.
    """

    def __init__(self):
        self.started, self.at_start = time.monotonic(), self.seconds()

    @staticmethod
    def seconds():
        import psutil

        machine = psutil.cpu_times()
        database = cpu_seconds_by_name("postgres")["postgres"]
        return (
            machine.user + machine.nice + machine.system - cpu_seconds(psutil.Process()) - database
        )

    def share(self):
        import psutil

        elapsed = time.monotonic() - self.started
        return (self.seconds() - self.at_start) / (elapsed * psutil.cpu_count())


class CpuSplit:
    """Whose CPU a page's capacity run took, per request: gunicorn, PostgreSQL, the task
    workers (the e-mail of bookings, the sweep), Redis and the load generator (locust, this
    process's child while it runs). Work the run queued and a worker did after it is left out."""

    PARTS = ("server", "database", "task workers", "redis", "load")

    def __init__(self, server_pid, workers):
        self.server_pid, self.worker_pids = server_pid, [worker.pid for worker in workers]
        self.at_start = self.seconds()

    def seconds(self):
        import psutil

        def tree(pid):
            with contextlib.suppress(psutil.NoSuchProcess):
                root = psutil.Process(pid)
                children = root.children()
                return cpu_seconds(root) + sum(cpu_seconds(c, reaped=False) for c in children)
            return 0

        named = cpu_seconds_by_name("postgres", "redis-server")
        own = psutil.Process().cpu_times()
        return {
            "server": tree(self.server_pid),
            "database": named["postgres"],
            "task workers": sum(tree(pid) for pid in self.worker_pids),
            "redis": named["redis-server"],
            "load": own.children_user + own.children_system,
        }

    def per_request(self, requests):
        """{part: CPU milliseconds per request} since this meter started."""
        now = self.seconds()
        return {
            part: (now[part] - self.at_start[part]) * 1000 / max(requests, 1) for part in self.PARTS
        }


def _create_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def report(args, machine, pages, peaks, outcome):
    print(f"\nMachine: {machine}")
    if pages:
        print(f"{args.users} connections; mix {args.duration} s with 0.5–1.5 s pauses; "
              f"capacity {args.capacity_seconds} s per page")  # fmt: skip
        print(table(pages))
        print()
        print(cpu_table(pages))
        print()
        for name, target, measured, ok in verdicts(pages):
            print(f"{'PASS' if ok else 'FAIL'}  {name}: {target} (measured {measured})")
    if peaks:
        mib = sorted(peak / 2**20 for peak in peaks.values())
        print(f"\nPeak memory per gunicorn worker: max {mib[-1]:.0f} MiB "
              f"(workers seen: {len(mib)}; {', '.join(f'{m:.0f}' for m in mib)} MiB)")  # fmt: skip
    print(
        f"\nContention: {outcome.attempts} simultaneous POSTs for one slot → "
        f"{outcome.won} booked, {outcome.just_taken} told “just taken”, "
        f"{outcome.other_refusals} other refusals, {outcome.server_errors} server errors, "
        f"{outcome.connection_errors} connection errors; "
        f"{outcome.rows_in_database} active booking(s) in the database "
        f"→ {'PASS' if outcome.passed else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
