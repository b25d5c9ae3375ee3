"""GET /healthz: what deploy tools wait on."""

from django.db import connection
from django.test import TestCase, override_settings

from entries.models import Entry


class HealthzTests(TestCase):
    def test_it_says_ok_when_the_database_answers(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")
        self.assertEqual(response["Content-Type"], "text/plain")

    def test_it_is_never_cached_and_sets_no_cookie(self):
        response = self.client.get("/healthz")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response.cookies, {})

    def test_it_is_never_redirected_to_https(self):
        with override_settings(SECURE_SSL_REDIRECT=True):
            self.assertEqual(self.client.get("/healthz").status_code, 200)
            self.assertEqual(self.client.get("/").status_code, 301)

    def test_it_is_503_when_the_database_fails(self):
        """The entries table is made to vanish inside the test's transaction."""
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {Entry._meta.db_table} RENAME TO gone")
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertTrue(response.content.startswith(b"database unavailable"))
