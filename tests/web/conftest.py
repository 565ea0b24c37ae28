import contextlib
import copy
import json
import logging

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext


class LogLines(logging.Handler):
    """Every line the site would write to stdout during a test, as parsed JSON: the handler
    that settings.LOGGING configures lends its formatter and filters."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        configured = next(
            h for h in logging.getLogger("boms.request").handlers if h.name == "stdout"
        )
        self.setFormatter(configured.formatter)
        self.filters = list(configured.filters)
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines():
    """The root logger and the loggers that do not propagate to it (boms.request, django.request)."""
    handler = LogLines()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.lines
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def writes():
    """The statements that changed the database while the block ran."""

    class Writes(CaptureQueriesContext):
        @property
        def statements(self):
            return [
                query["sql"]
                for query in self.captured_queries
                if query["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
            ]

    return Writes(connection)


@pytest.fixture(scope="session")
def replica_database(django_db_setup, django_db_blocker):
    """A second test database under the `replica` alias, migrated like the primary's test
    database but never written by the tests except through `replicate`: a replica that lags
    forever behind everything a test writes on the primary."""
    primary = connections["default"].settings_dict
    replica = copy.deepcopy(primary)
    if connections["default"].vendor == "postgresql":
        replica["TEST"] = {**replica["TEST"], "NAME": f"{primary['NAME']}_replica"}
    else:
        replica["TEST"] = {**replica["TEST"], "NAME": None}
        replica["NAME"] = ":memory:"
    connections.settings["replica"] = replica
    with django_db_blocker.unblock():
        connections["replica"].creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
    yield "replica"
    with django_db_blocker.unblock():
        connections["replica"].creation.destroy_test_db(
            connections["replica"].settings_dict["NAME"], verbosity=0
        )
    connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


@pytest.fixture
def read_replica(replica_database, settings):
    """The router reads from the replica database, as with REPLICA_DATABASE_URL."""
    settings.READ_REPLICA = replica_database
    return replica_database


@pytest.fixture
def replicate(replica_database):
    """Copies rows from the primary to the replica, as replication would have by now."""

    def copy_rows(*objects):
        for obj in objects:
            copy.copy(obj).save(using=replica_database)

    return copy_rows


@pytest.fixture
def queries_on():
    """The statements each database alias ran while the block ran: {alias: [sql, …]}."""

    @contextlib.contextmanager
    def capture(*aliases):
        contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in aliases}
        with contextlib.ExitStack() as stack:
            for context in contexts.values():
                stack.enter_context(context)
            ran = {}
            yield ran
        ran.update({alias: [q["sql"] for q in c.captured_queries] for alias, c in contexts.items()})

    return capture
