"""Logs an operator can use: every line on stderr, with the request id Heroku's router sends.

The tests read what the site's stderr handler writes (`heroku logs` shows the same lines);
tests/system/test_production.py reads a real gunicorn's stderr.
"""

import contextlib
import io
import logging
from unittest import mock

from django.db import DatabaseError
from django.test import TestCase

from entries.tests.helpers import create_user
from entries.tests.test_settings import read_settings


@contextlib.contextmanager
def stderr_log():
    """What the stderr handler writes meanwhile, as a StringIO."""
    stream = io.StringIO()
    with mock.patch.object(logging.getHandlerByName("stderr"), "stream", stream):
        yield stream


def fail_the_index(error=None):
    error = error or DatabaseError("the database went away")
    return mock.patch("entries.views.paginate", side_effect=error)


class ErrorLogTests(TestCase):
    def setUp(self):
        self.client.raise_request_exception = False

    def test_an_unhandled_error_is_one_entry_with_request_status_and_traceback(self):
        with fail_the_index(), stderr_log() as log:
            response = self.client.get("/", headers={"x-request-id": "router-id-42"})
        self.assertContains(response, "Server error", status_code=500)
        output = log.getvalue()
        self.assertEqual(output.count("Traceback (most recent call last)"), 1, output)
        first = output.splitlines()[0]
        self.assertTrue(first.startswith("ERROR django.request"), first)
        self.assertIn("request_id=router-id-42", first)
        self.assertIn("GET / 500", first)
        self.assertIn("DatabaseError: the database went away", output)

    def test_without_the_routers_header_a_request_id_is_made_up(self):
        with fail_the_index(), stderr_log() as log:
            self.client.get("/")
        self.assertRegex(log.getvalue(), r"request_id=[0-9a-f]{32} ")

    def test_a_request_id_that_is_not_an_id_is_replaced(self):
        """The header comes from outside: it may not write lines of its own into the log."""
        with fail_the_index(), stderr_log() as log:
            self.client.get("/", headers={"x-request-id": "x\nERROR forged line"})
        self.assertNotIn("forged", log.getvalue())
        self.assertRegex(log.getvalue(), r"request_id=[0-9a-f]{32} ")

    def test_the_request_id_is_in_every_line_of_the_request(self):
        def view_logs(*args, **kwargs):
            logging.getLogger("entries").warning("a line from the view")
            raise DatabaseError("boom")

        with fail_the_index(view_logs), stderr_log() as log:
            self.client.get("/", headers={"x-request-id": "abc-123"})
        lines = [line for line in log.getvalue().splitlines() if line.startswith(("WARN", "ERR"))]
        self.assertEqual(len(lines), 2)
        for line in lines:
            self.assertIn("request_id=abc-123", line)

    def test_a_lost_database_on_healthz_is_logged_with_its_cause(self):
        with (
            mock.patch("entries.views.Entry.objects.exists", side_effect=DatabaseError("gone")),
            stderr_log() as log,
        ):
            self.assertEqual(self.client.get("/healthz").status_code, 503)
        self.assertIn("DatabaseError: gone", log.getvalue())

    def test_the_500_page_says_it_was_logged(self):
        with fail_the_index(), stderr_log():
            response = self.client.get("/")
        self.assertContains(response, "It has been logged", status_code=500)


class SecurityWarningTests(TestCase):
    def test_a_failed_csrf_check_is_a_warning(self):
        self.client.handler.enforce_csrf_checks = True
        with stderr_log() as log:
            self.client.post("/login", {"username": "a", "password": "b"})
        self.assertTrue(log.getvalue().startswith("WARNING django.security.csrf"), log.getvalue())
        self.assertIn("POST /login 403", log.getvalue())

    def test_a_refused_host_is_a_warning_without_a_traceback(self):
        with stderr_log() as log:
            response = self.client.get("/", headers={"host": "evil.example"})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(log.getvalue().startswith("WARNING django.security.DisallowedHost"))
        self.assertIn("evil.example", log.getvalue())
        self.assertNotIn("Traceback", log.getvalue())

    def test_a_lockout_is_a_warning_naming_the_address_not_the_user(self):
        create_user("victim", "right-password")
        with stderr_log() as log:
            for _ in range(5):
                self.client.post("/login", {"username": "victim", "password": "wrong"})
        lockouts = [line for line in log.getvalue().splitlines() if "Locking out" in line]
        self.assertEqual(len(lockouts), 1, log.getvalue())
        self.assertTrue(lockouts[0].startswith("WARNING"))
        self.assertIn("127.0.0.1", lockouts[0])
        self.assertNotIn("victim", lockouts[0])


class LogLevelTests(TestCase):
    def test_the_level_comes_from_django_log_level_and_defaults_to_info(self):
        self.assertEqual(read_settings()["log_level"], "INFO")
        self.assertEqual(read_settings(DJANGO_LOG_LEVEL="warning")["log_level"], "WARNING")

    def test_a_bad_level_is_a_clear_error(self):
        with self.assertRaisesRegex(AssertionError, "DJANGO_LOG_LEVEL"):
            read_settings(DJANGO_LOG_LEVEL="loud")
