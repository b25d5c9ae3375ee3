"""System tests: the project's real processes (gunicorn from the Procfile, a fresh Heroku-like
build, PostgreSQL servers, headless Chromium), driven from outside as users and deploys do.

They take longer than the app's own tests (entries/tests/), which `make test-fast` runs alone.
"""

import contextlib
import os
import unittest


def require(available, what):
    """Skip a test whose tool is missing here; under CI (CI=true) a missing tool is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        raise AssertionError(f"{what} is required in CI but is missing")
    raise unittest.SkipTest(f"{what} is not available on this machine")


def postgres_database(add_cleanup):
    """A fresh database on tools.postgres's server (FLASKR_POSTGRES_URL, or one of its own),
    removed by the cleanups (`self.addCleanup`, `cls.addClassCleanup`)."""
    from tools import postgres

    stack = contextlib.ExitStack()
    try:
        server_url = stack.enter_context(postgres.server())
    except postgres.Unavailable as missing:
        require(False, f"PostgreSQL ({missing})")
    add_cleanup(stack.close)
    database_url = postgres.create_database(server_url)
    add_cleanup(postgres.drop_database, database_url)
    return database_url
