import json
import logging

import pytest
from django.db import connection
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
