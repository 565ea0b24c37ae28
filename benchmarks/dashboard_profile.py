"""The dashboard's pages for the last 12 months, measured in this process on the benchmark's data.

    python -m benchmarks.dashboard_profile --database-url postgres://…/boms_bench_copy [--requests 30]

Needs a database migrated to this code (the unmet-demand table): a copy of the benchmark's.
Asks for the nation's and one region's page as a ministry official, first with an empty cache
(the people served and the weekday × hour chart's past days are computed), then warm, and
prints the median and p95 wall time and the statements per request.
"""

import statistics
import time

from benchmarks.in_process import setup


def measure(client, url, query, requests, cold):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reservations import history

    walls, statements = [], []
    for _ in range(requests):
        if cold:
            history.changed()  # every cached figure of past days is read afresh
        with CaptureQueriesContext(connection) as captured:
            wall = time.perf_counter()
            response = client.get(url, query)
            wall = time.perf_counter() - wall
        assert response.status_code == 200, response.status_code
        walls.append(wall * 1000)
        statements.append(len(captured.captured_queries))
    walls.sort()
    return (
        f"median {statistics.median(walls):.0f} ms, p95 {walls[max(int(len(walls) * 0.95) - 1, 0)]:.0f} ms, "
        f"{statistics.median(statements):.0f} statements"
    )


def main():
    args = setup(__doc__.splitlines()[0])
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.roles import MINISTRY_OFFICIALS
    from benchmarks.prepare import bench_users, session_for

    official = bench_users("bench-official", 1)[0]
    official.groups.add(Group.objects.get(name=MINISTRY_OFFICIALS))
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_for(official, second_factor=True)
    query = {"period": "last_12_months"}
    for name, url in (("nation", "/dashboard/"), ("region", "/dashboard/r/seoul/")):
        client.get(url, query)
        print(
            f"dashboard {name}, cold cache: {measure(client, url, query, max(args.requests // 5, 3), True)}"
        )
        print(f"dashboard {name}, warm:       {measure(client, url, query, args.requests, False)}")


if __name__ == "__main__":
    main()
