from tests.web.conftest import log_lines  # noqa: F401  (the same capture of every log line)
