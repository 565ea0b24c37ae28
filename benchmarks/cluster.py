"""`make bench-cluster`: the portal on several app servers, a replica and a pooler, on 127.0.0.1.

Started from Debian's packages and this project's files, in a directory of its own (--dir),
on ports of its own, never touching the machine's PostgreSQL service:

    HAProxy :8230 ──► gunicorn :8231, :8232, :8233 (one process each) ──► PgBouncer :6440
                                                  (transaction pooling) ──► primary :5440
                                                                        └─► replica :5441
    two task workers (manage.py run_worker) ──► PgBouncer;  Redis :6390 for cache and sessions

The primary archives its WAL (archive_command) and a base backup is taken after the load, so
that a point in time can be restored. Then, each a step that prints PASS or FAIL:

1. the benchmark mix through the balancer (benchmarks/locustfile.py): figures, 0 server errors,
   and the CPU each request cost per kind of process (the capacity model's input);
2. one app server is killed (SIGKILL) during a second mix: every booking confirmed to its user
   (302) is in the database, and the balancer keeps serving through the other two;
3. the 200-way race for one slot through the balancer: exactly one booking;
4. signing out on one app server ends the session on the others;
5. every task ran once though two workers took from the queue;
6. read-your-writes with the replica delayed (recovery_min_apply_delay): the booker sees the
   booking at once while the replica has not got it yet;
7. point-in-time restore: the base backup plus archived WAL, recovered to a moment between two
   bookings, served by a gunicorn of its own: the booking before is there, the one after not;
8. failover: the primary stops, the replica is promoted, PgBouncer is pointed at it; the app
   servers carry on, and what was committed before the stop is there.

Everything is stopped and the data directories removed at the end, also on failure or Ctrl-C.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SECRET = "cluster-benchmark-secret-key-not-for-production-0123456789"
CSRF = "0123456789abcdef0123456789abcdef"

PRIMARY_PORT, REPLICA_PORT, RESTORED_PORT = 5440, 5441, 5442
PGBOUNCER_PORT, REDIS_PORT = 6440, 6390
BALANCER_PORT, APP_PORTS, RESTORED_APP_PORT = 8230, (8231, 8232, 8233), 8234
DATABASE = "boms"

results = []  # (step, passed, detail)


def verdict(step, passed, detail):
    results.append((step, passed, detail))
    print(f"{'PASS' if passed else 'FAIL'}  {step}: {detail}", flush=True)


class Cluster:
    """The processes and directories of one run; stop() undoes everything start() did."""

    def __init__(self, base):
        self.base = base
        self.processes = {}  # name: Popen
        self.clusters = []  # PostgreSQL data directories started with pg_ctl

    # --- PostgreSQL as the postgres user (initdb refuses root) ---

    def as_postgres(self, *command, **kwargs):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *map(str, command)], check=True, **kwargs)

    def pg_ctl(self, data, *args):
        self.as_postgres(PG_BIN / "pg_ctl", "-D", data, "-l", f"{data}.log", "-w", "-t", "120",
                         *args, stdout=subprocess.DEVNULL)  # fmt: skip

    def start_postgres(self, data):
        self.pg_ctl(data, "start")
        if data not in self.clusters:
            self.clusters.append(data)

    def init_primary(self):
        data, archive = self.base / "primary", self.base / "wal-archive"
        archive.mkdir()
        shutil.chown(archive, "postgres") if os.geteuid() == 0 else None
        self.as_postgres(PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust",
                         "--encoding=UTF8", "--locale=C.UTF-8", stdout=subprocess.DEVNULL)  # fmt: skip
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                postgres_conf(PRIMARY_PORT, self.base) + "wal_level = replica\narchive_mode = on\n"
                f"archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n"
                "max_wal_senders = 5\nwal_keep_size = '1GB'\n"
            )
        self.start_postgres(data)
        return data

    def init_replica(self):
        data = self.base / "replica"
        self.as_postgres(PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", PRIMARY_PORT,
                         "-U", "postgres", "-D", data, "-X", "stream", "-R", "-c", "fast")  # fmt: skip
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {REPLICA_PORT}\nhot_standby = on\narchive_mode = off\n")
        self.start_postgres(data)
        return data

    def base_backup(self):
        target = self.base / "base-backup"
        self.as_postgres(PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", PRIMARY_PORT,
                         "-U", "postgres", "-D", target, "-X", "none", "-c", "fast")  # fmt: skip
        return target

    # --- the rest, as this user ---

    def spawn(self, name, command, env=None, cwd=ROOT, as_postgres=False):
        prefix = ["runuser", "-u", "postgres", "--"] if as_postgres and os.geteuid() == 0 else []
        log = open(self.base / f"{name}.log", "w")  # noqa: SIM115  (closed with the process)
        self.processes[name] = subprocess.Popen(
            [*prefix, *map(str, command)], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self.processes[name]

    def kill(self, name, sig=signal.SIGTERM):
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self):
        for name in list(self.processes):
            self.kill(name)
        for data in reversed(self.clusters):
            with contextlib.suppress(subprocess.CalledProcessError):
                self.pg_ctl(data, "stop", "-m", "immediate")
        self.clusters.clear()


def postgres_conf(port, base):
    return (
        f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\n"
        # Django then sets no time zone per session: nothing for PgBouncer to carry over.
        "timezone = 'UTC'\nlog_timezone = 'UTC'\n"
        "shared_buffers = '256MB'\nmax_connections = 100\n"
    )


def pgbouncer_ini(base, primary_port, replica_port):
    return f"""[databases]
{DATABASE} = host=127.0.0.1 port={primary_port} dbname={DATABASE}
{DATABASE}_replica = host=127.0.0.1 port={replica_port} dbname={DATABASE}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {PGBOUNCER_PORT}
unix_socket_dir =
auth_type = trust
auth_file = {base}/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
pidfile = {base}/pgbouncer.pid
"""


HAPROXY_CFG = """global
    maxconn 1000
    log stdout format raw local0

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    # Requests beyond the servers' threads wait here (the 200-way race), not in the kernel.
    timeout queue 120s
    timeout client 130s
    timeout server 130s
    # A request the server never got (its connection was refused) goes to another server,
    # whatever its method; one the server may have acted on is retried only when it is a GET
    # or HEAD (idempotent): a POST that was sent is never sent twice.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend portal
    bind 127.0.0.1:{balancer}
    default_backend app_servers

backend app_servers
    balance roundrobin
    http-request disable-l7-retry unless METH_GET
    option httpchk GET /healthz
    default-server inter 1s fall 2 rise 2 maxconn 8
{servers}
"""


def app_environment(**extra):
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "boms.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PGBOUNCER_PORT}/{DATABASE}",
        "REPLICA_DATABASE_URL": f"postgres://postgres@127.0.0.1:{PGBOUNCER_PORT}/{DATABASE}_replica",
        "DATABASE_POOLING": "transaction",
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "QUERY_COUNT_HEADER": "true",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",
        # One process per app server on these two cores (README "Several app servers").
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        **extra,
    }


def wait_until_ready(url, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"{url} did not become ready")


def http(method, url, *, cookies=None, data=None, timeout=30):
    """(status, headers, body) without following redirects."""
    import requests

    response = requests.request(method, url, cookies=cookies or {}, data=data,
                                allow_redirects=False, timeout=timeout)  # fmt: skip
    return response.status_code, response.headers, response.text


def psql(port, sql):
    result = subprocess.run(
        [PG_BIN / "psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", DATABASE,
         "-Atc", sql], check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout.strip()


class CpuMeter:
    """CPU seconds used by each kind of the cluster's processes between two readings: the
    process trees this run started, so that other work on the machine is not counted."""

    KINDS = {"app-": "app servers", "worker-": "task workers", "pgbouncer": "PgBouncer",
             "haproxy": "HAProxy", "redis": "Redis"}  # fmt: skip

    def __init__(self, cluster):
        self.cluster = cluster
        self.start = self.reading()

    def roots(self):
        for name, process in self.cluster.processes.items():
            kind = next((k for prefix, k in self.KINDS.items() if name.startswith(prefix)), None)
            if kind:
                yield kind, process.pid
        for data in self.cluster.clusters:
            pidfile = Path(data) / "postmaster.pid"
            if pidfile.exists():
                yield "PostgreSQL", int(pidfile.read_text().split()[0])

    def reading(self):
        import psutil

        used = dict.fromkeys([*self.KINDS.values(), "PostgreSQL"], 0.0)
        for kind, pid in self.roots():
            with contextlib.suppress(psutil.NoSuchProcess):
                root = psutil.Process(pid)
                times = root.cpu_times()
                # The root's figure for its children counts those it has reaped (gunicorn's
                # restarted workers, PostgreSQL's ended backends); the living ones are added.
                used[kind] += sum(times[:4])
                for child in root.children(recursive=True):
                    with contextlib.suppress(psutil.NoSuchProcess):
                        used[kind] += sum(child.cpu_times()[:2])
        return used

    def since(self):
        now = self.reading()
        return {kind: max(now[kind] - self.start[kind], 0.0) for kind in now}


def run_mix(args, plan_path, record_path, seconds, users, during=None):
    """Locust through the balancer; `during(elapsed)` is called once a second meanwhile."""
    from benchmarks.run import locust

    runner = argparse.Namespace(users=users, port=BALANCER_PORT)
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(result=locust(
        runner, app_environment(), plan_path, record_path, pages=["mix"], seconds=seconds,
        wait=True)))  # fmt: skip
    started = time.monotonic()
    thread.start()
    while thread.is_alive():
        if during:
            during(time.monotonic() - started)
        thread.join(1)
    return outcome["result"]


def step_mix(args, cluster, plan_path, record_path):
    from benchmarks.stats import figures, table

    run_mix(args, plan_path, record_path, seconds=10, users=args.users)  # warm-up, unmeasured
    meter = CpuMeter(cluster)
    lines, seconds = run_mix(args, plan_path, record_path, seconds=args.duration, users=args.users)
    cpu = meter.since()
    pages = figures(lines, seconds)
    print(f"\n{args.users} users, {seconds:.0f} s through HAProxy\n{table(pages)}")
    errors = sum(page.errors for page in pages)
    verdict(
        "mix through the balancer", errors == 0, f"{len(lines)} requests, {errors} server errors"
    )
    per_request = {kind: 1000 * used / max(len(lines), 1) for kind, used in cpu.items()}
    print("CPU per request of the mix (ms): "
          + ", ".join(f"{kind} {ms:.1f}" for kind, ms in per_request.items()))  # fmt: skip
    statements = pooled_statements()
    replica_share = statements.get(f"{DATABASE}_replica", 0) / max(sum(statements.values()), 1)
    print(f"Statements through PgBouncer so far: {statements} ({replica_share:.0%} on the replica); "
          f"replica replay lag {psql(REPLICA_PORT, REPLAY_LAG)}")  # fmt: skip
    return pages, per_request


REPLAY_LAG = "SELECT COALESCE(now() - pg_last_xact_replay_timestamp(), '0')"


def pooled_statements():
    """{database: statements} that PgBouncer has passed on since it started (SHOW STATS)."""
    result = subprocess.run(
        [PG_BIN / "psql", "-h", "127.0.0.1", "-p", str(PGBOUNCER_PORT), "-U", "postgres",
         "-d", "pgbouncer", "-Atc", "SHOW STATS"], check=True, capture_output=True, text=True,
    )  # fmt: skip
    rows = (line.split("|") for line in result.stdout.splitlines())
    return {row[0]: int(row[2]) for row in rows if row[0].startswith(DATABASE)}


def step_kill_one_server(args, cluster, plan_path, record_path):
    from reservations.models import Reservation

    killed_at = {}

    def kill_second(elapsed):
        if elapsed >= args.kill_after and not killed_at:
            killed_at["s"] = elapsed
            cluster.kill("app-8232", signal.SIGKILL)

    lines, _seconds = run_mix(args, plan_path, record_path, seconds=args.kill_duration,
                              users=args.users, during=kill_second)  # fmt: skip
    confirmed = [
        int(line["location"].rstrip("/").rsplit("/", 1)[1])
        for line in lines
        if line["page"] == "booking POST" and line["status"] == 302 and line.get("location")
    ]
    found = Reservation.objects.filter(pk__in=confirmed).count()
    errors = [line for line in lines if line["status"] == 0 or line["status"] >= 500]
    served_after = sum(1 for line in lines if 0 < line["status"] < 500)
    verdict(
        "one app server killed during load",
        found == len(confirmed) and served_after > 0,
        f"killed at {killed_at.get('s', 0):.0f} s of {args.kill_duration} s; "
        f"{len(confirmed)} bookings confirmed, {found} of them in the database; "
        f"{served_after} requests answered, {len(errors)} failed "
        f"({', '.join(sorted({str(e['status']) + ' ' + e['page'] for e in errors})) or 'none'})",
    )
    # Bring it back for the steps that follow.
    start_app_server(cluster, 8232)


def step_race(args):
    from benchmarks import contention

    outcome = contention.race(f"http://127.0.0.1:{BALANCER_PORT}", users=args.racers)
    verdict(
        "200-way race through the balancer",
        outcome.passed,
        f"{outcome.attempts} POSTs → {outcome.won} booked, {outcome.just_taken} just taken, "
        f"{outcome.other_refusals} other refusals, {outcome.server_errors} server errors, "
        f"{outcome.connection_errors} connection errors, {outcome.rows_in_database} in the database",
    )


def step_logout_across_servers():
    from benchmarks.prepare import bench_users, session_for

    user = bench_users("bench-logout", 1)[0]
    session = session_for(user)
    cookies = {"sessionid": session, "csrftoken": CSRF}
    first, second, third = (f"http://127.0.0.1:{port}" for port in APP_PORTS)
    before = http("GET", f"{first}/accounts/profile/", cookies=cookies)[0]
    out = http("POST", f"{second}/accounts/logout/", cookies=cookies,
               data={"csrfmiddlewaretoken": CSRF})[0]  # fmt: skip
    after = [http("GET", f"{server}/accounts/profile/", cookies=cookies)[0]
             for server in (first, third)]  # fmt: skip
    through = http("GET", f"http://127.0.0.1:{BALANCER_PORT}/accounts/profile/", cookies=cookies)
    verdict(
        "sign-out on one app server honoured on the others",
        before == 200 and out == 302 and after == [302, 302] and through[0] == 302,
        f"profile on :8231 {before}; sign-out on :8232 {out}; then profile on :8231 and :8233 "
        f"{after[0]}, {after[1]}, through the balancer {through[0]} (302: to the sign-in page)",
    )


def step_tasks_once(seconds=90):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from reservations.models import Reservation
    from worker.models import Email

    deadline = time.monotonic() + seconds
    while (
        time.monotonic() < deadline
        and DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            task_path__startswith="reservations",
        ).exists()
    ):
        time.sleep(1)
    done = DBTaskResult.objects.filter(task_path__startswith="reservations")
    runs = [len(ids) for ids in done.values_list("worker_ids", flat=True)]
    workers = {wid for ids in done.values_list("worker_ids", flat=True) for wid in ids}
    bookings = Reservation.objects.filter(booked_by__email__startswith="bench-booker-").count()
    keyed = Email.objects.exclude(key=None).count()
    verdict(
        "each task ran once with two workers",
        bool(runs) and max(runs) == 1 and len(workers) >= 2,
        f"{len(runs)} booking tasks, run {max(runs, default=0)} time(s) at most, by "
        f"{len(workers)} workers ({', '.join(sorted(workers))}); {keyed} keyed e-mails "
        f"for {bookings} bench bookings",
    )


def step_delayed_replica(delay_seconds=8):
    """Read-your-writes while the replica applies WAL `delay_seconds` late."""
    from benchmarks.mix import booking_request
    from benchmarks.prepare import bench_users, booking_days, session_for
    from rooms.models import Room, RoomKind

    psql(REPLICA_PORT, f"ALTER SYSTEM SET recovery_min_apply_delay = '{delay_seconds}s'")
    psql(REPLICA_PORT, "SELECT pg_reload_conf()")
    time.sleep(1)
    booker = bench_users("bench-delayed", 1)[0]
    cookies = {"sessionid": session_for(booker), "csrftoken": CSRF}
    rooms = list(
        Room.objects.bookable()
        .filter(kind=RoomKind.STANDARD, facility__requires_approval=False)
        .values_list("pk", flat=True)[:200]
    )
    plan = {"days": [f"{d:%Y-%m-%d}" for d in booking_days(django_today())],
            "booking_rooms": rooms, "csrf": CSRF}  # fmt: skip
    base = f"http://127.0.0.1:{BALANCER_PORT}"
    for _ in range(20):
        path, form = booking_request(plan)
        status, headers, _body = http("POST", base + path, cookies=cookies, data=form)
        if status == 302:
            break
    pk = int(headers["Location"].rstrip("/").rsplit("/", 1)[1])
    code = psql(PRIMARY_PORT, f"SELECT code FROM reservations_reservation WHERE id = {pk}")
    pinned = {**cookies, "primary_reads": "1"}
    seen = [code in http("GET", base + "/my/", cookies=pinned)[2] for _ in range(3)]
    done_page = http("GET", base + headers["Location"], cookies=pinned)[0]
    on_replica = psql(
        REPLICA_PORT, f"SELECT count(*) FROM reservations_reservation WHERE id = {pk}"
    )
    time.sleep(delay_seconds + 2)
    later = psql(REPLICA_PORT, f"SELECT count(*) FROM reservations_reservation WHERE id = {pk}")
    psql(REPLICA_PORT, "ALTER SYSTEM RESET recovery_min_apply_delay")
    psql(REPLICA_PORT, "SELECT pg_reload_conf()")
    verdict(
        f"read-your-writes with the replica {delay_seconds} s behind",
        all(seen) and done_page == 200 and on_replica == "0" and later == "1",
        f"booking {code}: in the booker's list at once on each of 3 requests ({seen}), its "
        f"page {done_page}; on the replica right after: {on_replica} row, "
        f"{delay_seconds + 2} s later: {later}",
    )


def django_today():
    from django.utils import timezone

    return timezone.localdate()


def book_through_balancer(cookies, plan):
    from benchmarks.mix import booking_request

    for _ in range(30):
        path, form = booking_request(plan)
        status, headers, _ = http("POST", f"http://127.0.0.1:{BALANCER_PORT}{path}",
                                  cookies=cookies, data=form)  # fmt: skip
        if status == 302:
            return int(headers["Location"].rstrip("/").rsplit("/", 1)[1])
    raise SystemExit("no booking could be made through the balancer")


def booking_plan():
    from benchmarks.prepare import booking_days
    from rooms.models import Room, RoomKind

    rooms = list(
        Room.objects.bookable()
        .filter(kind=RoomKind.STANDARD, facility__requires_approval=False)
        .values_list("pk", flat=True)
    )
    return {"days": [f"{d:%Y-%m-%d}" for d in booking_days(django_today())],
            "booking_rooms": rooms, "csrf": CSRF}  # fmt: skip


def step_point_in_time_restore(cluster, base_backup):
    from benchmarks.prepare import bench_users, session_for

    booker = bench_users("bench-pitr", 1)[0]
    cookies = {"sessionid": session_for(booker), "csrftoken": CSRF}
    plan = booking_plan()
    before = book_through_balancer(cookies, plan)
    committed_before = psql(PRIMARY_PORT, "SELECT count(*) FROM reservations_reservation")
    time.sleep(1.5)
    moment = psql(PRIMARY_PORT, "SELECT now()")
    time.sleep(1.5)
    after = book_through_balancer(cookies, plan)
    psql(PRIMARY_PORT, "SELECT pg_switch_wal()")
    time.sleep(3)  # the archiver copies the finished segment
    restored = cluster.base / "restored"
    cluster.as_postgres("cp", "-a", base_backup, restored)
    with open(restored / "postgresql.conf", "a") as conf:
        conf.write(
            f"port = {RESTORED_PORT}\narchive_mode = off\n"
            f"restore_command = 'cp {cluster.base}/wal-archive/%f %p'\n"
            f"recovery_target_time = '{moment}'\nrecovery_target_action = 'promote'\n"
        )
    cluster.as_postgres("touch", restored / "recovery.signal")
    started = time.monotonic()
    cluster.start_postgres(restored)
    while psql(RESTORED_PORT, "SELECT pg_is_in_recovery()") == "t":
        time.sleep(0.5)
    recovered_in = time.monotonic() - started
    env = app_environment(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{RESTORED_PORT}/{DATABASE}",
        REPLICA_DATABASE_URL="",
        DATABASE_POOLING="",
        CACHE_URL=f"redis://127.0.0.1:{REDIS_PORT}/5",
        GUNICORN_BIND=f"127.0.0.1:{RESTORED_APP_PORT}",
    )
    cluster.spawn("app-restored", gunicorn(cluster, RESTORED_APP_PORT), env=env)
    wait_until_ready(f"http://127.0.0.1:{RESTORED_APP_PORT}/readyz")
    portal = f"http://127.0.0.1:{RESTORED_APP_PORT}"
    search = http("GET", portal + "/")[0]
    booked_page = http("GET", f"{portal}/book/done/{before}/", cookies=cookies)[0]
    gone_page = http("GET", f"{portal}/book/done/{after}/", cookies=cookies)[0]
    count = psql(RESTORED_PORT, "SELECT count(*) FROM reservations_reservation")
    has_after = psql(
        RESTORED_PORT, f"SELECT count(*) FROM reservations_reservation WHERE id = {after}"
    )
    cluster.kill("app-restored")
    verdict(
        "point-in-time restore from the base backup and the WAL archive",
        search == 200
        and booked_page == 200
        and gone_page == 404
        and count == committed_before
        and has_after == "0",
        f"restored to {moment} in {recovered_in:.0f} s; portal on it: search {search}, the "
        f"booking before the moment {booked_page}, the one after {gone_page}; {count} bookings "
        f"restored, {committed_before} committed before the moment",
    )
    cluster.pg_ctl(restored, "stop", "-m", "fast")
    cluster.clusters.remove(restored)


def step_failover(cluster, base):
    from benchmarks.prepare import bench_users, session_for

    booker = bench_users("bench-failover", 1)[0]
    cookies = {"sessionid": session_for(booker), "csrftoken": CSRF}
    plan = booking_plan()
    last = book_through_balancer(cookies, plan)
    committed = psql(PRIMARY_PORT, "SELECT count(*) FROM reservations_reservation")
    cluster.pg_ctl(base / "primary", "stop", "-m", "fast")
    cluster.clusters.remove(base / "primary")
    started = time.monotonic()
    cluster.as_postgres(PG_BIN / "pg_ctl", "-D", base / "replica", "promote", "-w")
    (base / "pgbouncer.ini").write_text(pgbouncer_ini(base, REPLICA_PORT, REPLICA_PORT))
    subprocess.run([PG_BIN / "psql", "-h", "127.0.0.1", "-p", str(PGBOUNCER_PORT), "-U", "postgres",
                    "-d", "pgbouncer", "-c", "RELOAD"], check=True, capture_output=True)  # fmt: skip
    switched = time.monotonic() - started
    on_new = psql(REPLICA_PORT, "SELECT count(*) FROM reservations_reservation")
    has_last = psql(
        REPLICA_PORT, f"SELECT count(*) FROM reservations_reservation WHERE id = {last}"
    )
    statuses = [http("GET", f"http://127.0.0.1:{BALANCER_PORT}/")[0] for _ in range(6)]
    new_booking = book_through_balancer(cookies, plan)
    verdict(
        "failover to the promoted replica",
        on_new == committed and has_last == "1" and set(statuses) == {200} and new_booking > 0,
        f"primary stopped with {committed} bookings; replica promoted and PgBouncer pointed at "
        f"it in {switched:.1f} s; {on_new} bookings there, the last one too; searches through "
        f"the balancer {statuses}; a new booking made there (#{new_booking})",
    )


def gunicorn(cluster, port):
    # Each server its own control socket, not gunicorn's one default path per user.
    return [VENV_BIN / "gunicorn", "-c", "gunicorn.conf.py",
            "--control-socket", cluster.base / f"gunicorn-{port}.ctl", "boms.wsgi"]  # fmt: skip


def start_app_server(cluster, port):
    env = app_environment(GUNICORN_BIND=f"127.0.0.1:{port}")
    cluster.spawn(f"app-{port}", gunicorn(cluster, port), env=env)
    wait_until_ready(f"http://127.0.0.1:{port}/readyz")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "boms-cluster")
    parser.add_argument("--scale", type=float, default=1.0, help="bookings per day × scale")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the measured mix")
    parser.add_argument("--kill-duration", type=int, default=30)
    parser.add_argument("--kill-after", type=int, default=10)
    parser.add_argument("--racers", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the directory (logs, data)")
    args = parser.parse_args()

    if args.dir.exists():
        shutil.rmtree(args.dir)
    args.dir.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(args.dir, "postgres")
    cluster = Cluster(args.dir)

    def interrupted(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    try:
        run(args, cluster)
    finally:
        print("\nStopping the cluster …", flush=True)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        cluster.stop()
        if not args.keep:
            shutil.rmtree(args.dir, ignore_errors=True)
        print("\nSummary")
        for step, passed, _detail in results:
            print(f"{'PASS' if passed else 'FAIL'}  {step}")
    sys.exit(0 if results and all(passed for _, passed, _ in results) else 1)


def run(args, cluster):
    base = args.dir
    started = time.monotonic()
    cluster.init_primary()
    subprocess.run([PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U",
                    "postgres", DATABASE], check=True)  # fmt: skip
    cluster.spawn("redis", ["redis-server", "--port", REDIS_PORT, "--bind", "127.0.0.1",
                            "--save", "", "--appendonly", "no", "--dir", base])  # fmt: skip

    # This process reads and writes the primary directly (the dataset's COPY, the checks).
    os.environ.update(app_environment(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/{DATABASE}",
        REPLICA_DATABASE_URL="", DATABASE_POOLING="",
        STATIC_ROOT=str(base / "static"),
    ))  # fmt: skip
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    # The bench users' passwords are never typed (their sessions are made directly): hashing
    # each of the race's 200 users with the production hasher would only slow the set-up.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from benchmarks import prepare
    from benchmarks.run import prepare_database

    prepare_database(argparse.Namespace(build=True, scale=args.scale))
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()
    print(f"primary loaded in {time.monotonic() - started:.0f} s", flush=True)

    cluster.init_replica()
    backup = cluster.base_backup()
    (base / "userlist.txt").write_text('"postgres" ""\n')
    (base / "pgbouncer.ini").write_text(pgbouncer_ini(base, PRIMARY_PORT, REPLICA_PORT))
    if os.geteuid() == 0:
        for name in ("userlist.txt", "pgbouncer.ini"):
            shutil.chown(base / name, "postgres")
    cluster.spawn("pgbouncer", ["pgbouncer", base / "pgbouncer.ini"], as_postgres=True)
    servers = "\n".join(
        f"    server app{n} 127.0.0.1:{port} check" for n, port in enumerate(APP_PORTS, 1)
    )
    (base / "haproxy.cfg").write_text(HAPROXY_CFG.format(balancer=BALANCER_PORT, servers=servers))
    for port in APP_PORTS:
        start_app_server(cluster, port)
    cluster.spawn("haproxy", ["haproxy", "-db", "-f", base / "haproxy.cfg"])
    wait_until_ready(f"http://127.0.0.1:{BALANCER_PORT}/readyz")
    for n in (1, 2):
        cluster.spawn(f"worker-{n}", [VENV_BIN / "python", "manage.py", "run_worker",
                                      "--no-startup-delay", "--worker-id", f"cluster-worker-{n}"],
                      env=app_environment())  # fmt: skip
    print(f"cluster up in {time.monotonic() - started:.0f} s", flush=True)

    plan_path, record_path = base / "plan.json", base / "requests.jsonl"
    plan_path.write_text(json.dumps(prepare.plan()))
    connections.close_all()

    step_mix(args, cluster, plan_path, record_path)
    step_kill_one_server(args, cluster, plan_path, record_path)
    step_race(args)
    step_logout_across_servers()
    step_tasks_once()
    step_delayed_replica()
    step_point_in_time_restore(cluster, backup)
    connections.close_all()
    step_failover(cluster, base)
    connections.close_all()


if __name__ == "__main__":
    main()
