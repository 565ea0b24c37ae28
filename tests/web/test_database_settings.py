"""The databases that boms.settings derives from the environment: a replica beside the primary,
and PgBouncer's transaction pooling (README "Several app servers and a replica")."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({'read_replica': s.READ_REPLICA, 'databases': {alias: {"
    "'cursors_off': db.get('DISABLE_SERVER_SIDE_CURSORS', False), "
    "'prepare_threshold': db.get('OPTIONS', {}).get('prepare_threshold', 'default'), "
    "'name': db['NAME'], 'port': db.get('PORT')} for alias, db in s.DATABASES.items()}}))"
)
PRIMARY = "postgres://boms@127.0.0.1:6440/boms"
REPLICA = "postgres://boms@127.0.0.1:6440/boms_replica"


def settings_with(**env):
    ignored = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REPLICA_DATABASE_URL", "DATABASE_POOLING")
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "boms.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_replica_url_there_is_one_database_and_the_router_reads_it():
    shown = settings_with(DATABASE_URL=PRIMARY)
    assert shown["read_replica"] is None
    assert list(shown["databases"]) == ["default"]
    assert shown["databases"]["default"]["cursors_off"] is False
    assert shown["databases"]["default"]["prepare_threshold"] == "default"


def test_behind_pgbouncer_both_databases_use_no_server_side_cursors_or_prepared_statements():
    shown = settings_with(
        DATABASE_URL=PRIMARY, REPLICA_DATABASE_URL=REPLICA, DATABASE_POOLING="transaction"
    )
    assert shown["read_replica"] == "replica"
    assert shown["databases"]["replica"]["name"] == "boms_replica"
    for database in shown["databases"].values():
        assert database["cursors_off"] is True
        assert database["prepare_threshold"] is None
