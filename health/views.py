"""Probes for a load balancer: /healthz (the process answers), /readyz (it can serve)."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


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
