"""Where a booking POST's time goes, measured in this process on the benchmark's database.

    python -m benchmarks.booking_profile --database-url postgres://…/boms_bench [--requests 300]

Posts bookings as the mix does (bench bookers, random standard rooms, working days and hours)
through Django's test client, so each passes the whole middleware stack, the view, the rules,
the service and the template. Each request's wall time is split into the SQL statements' round
trips, by what they do, the template rendering, and the rest (Python). Then EXPLAIN ANALYZE of
one booking's INSERT, rolled back, shows what the exclusion constraint and the roll-up triggers
cost inside PostgreSQL. Bookings it made are deleted at the end.
"""

import random
import re
import statistics
import time
from collections import defaultdict

from benchmarks.in_process import setup


def kind_of(sql):
    """A short name for what a statement does, for the breakdown."""
    text = sql.lstrip().upper()
    if text.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")):
        return "transaction"
    verb = text.split()[0].lower()
    if verb == "select":
        # The statement's own table: its last FROM, after any sub-selects in its columns.
        tables = re.findall(r'FROM\s+"?(\w+)"?', sql, re.IGNORECASE)
        table = tables[-1] if tables else "?"
    else:
        found = re.search(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', sql, re.IGNORECASE)
        table = found.group(1) if found else "?"
    notes = [
        note
        for note, present in (
            ("locking", " FOR UPDATE" in text or " FOR NO KEY UPDATE" in text),
            ("sub-selects", text.count("SELECT") > 1),
        )
        if present
    ]
    return f"{verb} {table}" + (f" ({', '.join(notes)})" if notes else "")


def main():
    args = setup(__doc__.splitlines()[0])
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from benchmarks.mix import booking_request
    from benchmarks.prepare import bench_users, booking_days, forget_bookings
    from reservations.models import Reservation
    from rooms.models import Room, RoomKind

    profile_started = timezone.now()
    bookers = bench_users("bench-booker", 50)
    plan = {
        "days": [f"{day:%Y-%m-%d}" for day in booking_days(timezone.localdate())],
        "booking_rooms": list(
            Room.objects.bookable()
            .filter(kind=RoomKind.STANDARD, facility__requires_approval=False)
            .values_list("pk", flat=True)
        ),
        "csrf": "unused",
    }
    clients = []
    for user in bookers:
        client = Client()
        client.force_login(user)
        clients.append(client)

    outcomes = defaultdict(list)  # status: [(wall ms, sql ms, queries, {kind: ms}, cpu ms)]
    rng = random.Random(7)
    for n in range(args.requests):
        path, form = booking_request(plan, rng)
        form.pop("csrfmiddlewaretoken")
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = clients[n % len(clients)].post(path, form)
            wall = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
        by_kind = defaultdict(float)
        for query in queries.captured_queries:
            by_kind[kind_of(query["sql"])] += float(query["time"]) * 1000
        outcomes[response.status_code].append(
            (wall, sum(by_kind.values()), len(queries), by_kind, cpu)
        )

    print(f"{args.requests} booking POSTs in this process (test client, no network, no gunicorn)")
    for status, rows in sorted(outcomes.items()):
        what = {302: "booked", 200: "refused (slot taken: form with alternatives)"}.get(status)
        walls = [row[0] for row in rows]
        sqls = [row[1] for row in rows]
        print(f"\n{status} {what or ''}: {len(rows)} requests, wall median "
              f"{statistics.median(walls):.1f} ms, SQL median {statistics.median(sqls):.1f} ms "
              f"in {statistics.median(row[2] for row in rows):.0f} statements")  # fmt: skip
        kinds = defaultdict(list)
        for row in rows:
            for kind, ms in row[3].items():
                kinds[kind].append(ms)
        for kind, values in sorted(kinds.items(), key=lambda item: -sum(item[1])):
            print(f"  {kind:<45} {sum(values) / len(rows):6.2f} ms per request")
        print(f"  {'Python (middleware, forms, rules, ORM, template)':<45} "
              f"{statistics.median(walls) - statistics.median(sqls):6.2f} ms (median)")  # fmt: skip
        # CPU time of this process alone: steadier than wall time on a shared machine.
        print(f"  {'process CPU (this process, not PostgreSQL)':<45} "
              f"{statistics.median(row[4] for row in rows):6.2f} ms (median)")  # fmt: skip

    booked = Reservation.objects.filter(booked_by__in=bookers).order_by("-pk").first()
    if booked is not None:
        print("\nInside PostgreSQL, one booking's INSERT (EXPLAIN ANALYZE, rolled back):")
        columns = [f.column for f in Reservation._meta.concrete_fields if f.column != "id"]
        with transaction.atomic(), connection.cursor() as cursor:
            forget_bookings(Reservation.objects.filter(pk=booked.pk))
            values = [getattr(booked, f.attname) for f in Reservation._meta.concrete_fields
                      if f.column != "id"]  # fmt: skip
            cursor.execute(
                f"EXPLAIN (ANALYZE, COSTS OFF) INSERT INTO reservations_reservation "
                f"({', '.join(chr(34) + c + chr(34) for c in columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                values,
            )
            for (line,) in cursor.fetchall():
                print(f"  {line}")
            transaction.set_rollback(True)
    forget_bookings(Reservation.objects.filter(booked_by__in=bookers))
    # No worker ran here: the e-mail tasks the bookings queued would wait for the next bench.
    DBTaskResult.objects.filter(enqueued_at__gte=profile_started).delete()


if __name__ == "__main__":
    main()
