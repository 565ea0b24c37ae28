"""Bookings while the real list is imported: how long does a booking wait on a long import?

    python -m benchmarks.import_while_booking            # 100,000 rows (make bench-import)
    python -m benchmarks.import_while_booking --rows 20000

On its own PostgreSQL database (boms_bench_import, made afresh: the registry and a few users),
`manage.py import_facilities` imports a file of --rows sites in another process: the 1,567
sample sites with a new phone number and the rest new. Meanwhile this process books one
30-minute slot after another, each through the booking service with its own transaction,
and times each from the start of the call to its commit. The import must stay all-or-nothing
(it is one transaction) and no booking may take longer than --limit seconds (1 s).
"""

import argparse
import csv
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "postgres://postgres@127.0.0.1:5432/boms_bench_import"


def write_rows(path, rows):
    """The sample sites (changed phone) and new sites spread over every district."""
    from regions.models import District
    from rooms.models import Facility

    districts = list(District.objects.order_by("code").values_list("code", "latitude", "longitude"))
    columns = ["code", "name", "host_organization", "host_type", "district_code", "address",
               "latitude", "longitude", "phone"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        written = 0
        for site in Facility.objects.order_by("code").select_related("district")[:rows]:
            writer.writerow([site.code, site.name, site.host_organization, site.host_type,
                             site.district.code, site.address, site.latitude, site.longitude,
                             "02-9999-0000"])  # fmt: skip
            written += 1
        for n in range(rows - written):
            code, latitude, longitude = districts[n % len(districts)]
            writer.writerow([f"IMPORT-{n:06d}", f"가져온 회의실 {n}", "가져온 기관", "incubator",
                             code, f"가져온 주소 {n}", latitude, longitude, ""])  # fmt: skip


def book_until(done, results, limit_rooms=50):
    """Book slot after slot (different rooms and times) until the import has finished."""
    from django.db import connection
    from django.utils import timezone

    from benchmarks.prepare import bench_users, working_days
    from reservations.services import BookingError, book
    from rooms.models import Room, RoomKind

    rooms = list(
        Room.objects.filter(kind=RoomKind.STANDARD, facility__requires_approval=False)
        .select_related("facility")
        .order_by("pk")[:limit_rooms]
    )
    users = bench_users("bench-import", len(rooms))
    today = datetime.date.today()
    days = working_days(today + datetime.timedelta(days=1), today + datetime.timedelta(days=20))
    n = 0
    while not done.is_set():
        room, user = rooms[n % len(rooms)], users[n % len(users)]
        day = days[(n // len(rooms)) % len(days)]
        start = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(9))
            + datetime.timedelta(minutes=30 * ((n // (len(rooms) * len(days))) % 16))
        )
        began = time.perf_counter()
        try:
            book(user, room, start, start + datetime.timedelta(minutes=30), attendees=2,
                 purpose="가져오기 중 예약")  # fmt: skip
            outcome = "booked"
        except BookingError as error:
            outcome = error.code
        results.append((time.perf_counter() - began, outcome))
        n += 1
        time.sleep(0.05)
    connection.close()


def _fresh_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--limit", type=float, default=1.0, help="seconds a booking may take")
    parser.add_argument("--database-url", default=DATABASE)
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url, "DEBUG": "true", "LOG_LEVEL": "WARNING"}
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boms.settings")

    _fresh_database(args.database_url)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rooms.models import Facility

    call_command("migrate", verbosity=0)
    call_command("load_registry", verbosity=0)
    work = Path(tempfile.mkdtemp(prefix="boms-import-"))
    path = work / "sites.csv"
    write_rows(path, args.rows)
    before = Facility.objects.count()
    connection.close()

    done, results = threading.Event(), []
    booker = threading.Thread(target=book_until, args=(done, results))
    started = time.monotonic()
    booker.start()
    importer = subprocess.run(
        [sys.executable, "manage.py", "import_facilities", str(path)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    imported = time.monotonic() - started
    done.set()
    booker.join()
    if importer.returncode != 0:
        print(importer.stdout[-2000:], importer.stderr[-2000:])
        raise SystemExit("The import failed.")
    after = Facility.objects.count()
    seconds = sorted(duration for duration, _outcome in results)
    booked = sum(1 for _duration, outcome in results if outcome == "booked")
    p95 = seconds[max(0, int(len(seconds) * 0.95) - 1)]
    print(f"import of {args.rows:,} rows: {imported:.1f} s; sites {before:,} → {after:,}")
    print(f"bookings during the import: {len(results)} ({booked} booked); "
          f"p50 {statistics.median(seconds) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {seconds[-1] * 1000:.0f} ms")  # fmt: skip
    verdict = "PASS" if seconds[-1] <= args.limit else "FAIL"
    print(f"{verdict}  every booking during the import within {args.limit:g} s "
          f"(slowest {seconds[-1]:.3f} s)")  # fmt: skip
    if verdict == "FAIL":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
