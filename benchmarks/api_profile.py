"""What the API's live endpoints cost, measured in this process on the benchmark's database,
beside the portal's search partial and /healthz through the same middleware.

    python -m benchmarks.api_profile --database-url postgres://…/boms_bench [--requests 300]

Each request goes through Django's test client (the whole middleware stack, the API key and
the rate limit included) with the questions the load test asks: a room's day on a working day
within the window, and the free-room search half national, half one region's. Prints, per
endpoint, the median and p95 wall time, the process CPU time and the statements per request.
CPU time per request moves less than wall time when the machine is shared.
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

    from benchmarks.mix import availability_query, search_query
    from benchmarks.prepare import api_key, bench_users, booking_days
    from regions.models import Region
    from rooms.models import Room

    rng = random.Random(7)
    plan = {
        "days": [f"{day:%Y-%m-%d}" for day in booking_days(timezone.localdate())],
        "regions": list(Region.objects.values_list("slug", flat=True)),
        "rooms": list(Room.objects.bookable().values_list("pk", flat=True)),
    }
    client = Client(headers={"X-API-Key": api_key(bench_users("bench-official", 1)[0])})
    endpoints = {
        "healthz": lambda: ("/healthz", {}, {}),
        "search partial": lambda: ("/", search_query(plan, rng), {"HX-Request": "true"}),
        "api availability": lambda: (*availability_query(plan, rng), {}),
        "api free rooms": lambda: ("/api/v1/free-rooms", search_query(plan, rng), {}),
    }
    for name, request in endpoints.items():
        path, query, headers = request()
        client.get(path, query, headers=headers)
        walls, cpus, statements = [], [], []
        for _ in range(args.requests):
            path, query, headers = request()
            with CaptureQueriesContext(connection) as captured:
                cpu, wall = time.process_time(), time.perf_counter()
                response = client.get(path, query, headers=headers)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            assert response.status_code == 200, (name, response.status_code)
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
            statements.append(len(captured.captured_queries))
        print(
            f"{name}: {args.requests} requests, wall median {statistics.median(walls):.1f} ms "
            f"(p95 {sorted(walls)[int(len(walls) * 0.95) - 1]:.1f}), process CPU median "
            f"{statistics.median(cpus):.1f} ms, {statistics.median(statements):.0f} statements"
        )


if __name__ == "__main__":
    main()
