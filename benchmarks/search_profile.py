"""Where the free-room search's time goes, measured in this process on the benchmark's database.

    python -m benchmarks.search_profile --database-url postgres://…/boms_bench [--requests 300]

Asks for the search results partial as the mix does (half national, half one region's, a working
day within the window, a start and an hour) through Django's test client, so each request passes
the whole middleware stack, the search, and the template. Prints the median wall time, split into
SQL round trips and the rest, the statements per request, the process CPU time per request, and
EXPLAIN ANALYZE of a national search's two statements (the count and the page).
"""

import random
import statistics
import time

from benchmarks.in_process import setup


def main():
    args = setup(__doc__.splitlines()[0])
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benchmarks.mix import search_query
    from benchmarks.prepare import booking_days
    from regions.models import Region

    rng = random.Random(7)
    plan = {
        "days": [f"{day:%Y-%m-%d}" for day in booking_days(timezone.localdate())],
        "regions": list(Region.objects.values_list("slug", flat=True)),
    }
    client = Client(headers={"HX-Request": "true"})
    client.get("/", search_query(plan, rng))
    walls, sqls, statements, cpus = [], [], [], []
    for _ in range(args.requests):
        query = search_query(plan, rng)
        with CaptureQueriesContext(connection) as captured:
            cpu, wall = time.process_time(), time.perf_counter()
            response = client.get("/", query)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 200, response.status_code
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
        sqls.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        statements.append(len(captured.captured_queries))
    print(
        f"search partial: {args.requests} requests, wall median {statistics.median(walls):.1f} ms "
        f"(p95 {sorted(walls)[int(len(walls) * 0.95) - 1]:.1f}), SQL median "
        f"{statistics.median(sqls):.1f} ms in {statistics.median(statements):.0f} statements, "
        f"process CPU median {statistics.median(cpus):.1f} ms"
    )
    query = search_query(plan, rng)
    query.pop("region", None)
    with CaptureQueriesContext(connection) as captured:
        client.get("/", query)
    with connection.cursor() as cursor:
        for sql in [q["sql"] for q in captured.captured_queries if "rooms_room" in q["sql"]]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, SUMMARY ON) " + sql)
            plan_lines = [row[0] for row in cursor.fetchall()]
            print(f"\n{sql[:160]}…")
            print("\n".join(plan_lines[:60]))


if __name__ == "__main__":
    main()
