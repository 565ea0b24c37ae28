"""Probes: /healthz (the process answers), /readyz (it can serve), /readyz/queue (workers keep up).

/readyz/queue is for monitoring, not the load balancer: a stopped worker delays mail and timed
work but must not take the web servers out of service.
"""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from worker import queue


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if unapplied:
        return JsonResponse(
            {"status": "unavailable", "database": "ok", "unapplied_migrations": len(unapplied)},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_safe
def readyz_queue(request):
    """503 when the oldest due task waits, or the last heartbeat is, above its threshold."""
    try:
        figures = queue.watch()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    problems = queue.problems(figures)
    return JsonResponse(
        {"status": "unavailable" if problems else "ok", **figures, "problems": problems},
        status=503 if problems else 200,
    )
