"""`manage.py import_flaskr postgres://...`: a Flaskr database on a PostgreSQL server of its
own (tools.postgres), whatever database the blog runs on."""

from django.test import TestCase

from entries.models import Entry
from entries.tests.helpers import run_command, titles
from entries.tests.test_import_flaskr import fill_postgres
from tests.system import postgres_database


class ImportFlaskrFromPostgresTests(TestCase):
    def test_the_tutorials_table_on_postgresql_is_found_and_imported_once(self):
        url = postgres_database(self.addCleanup)
        out, err, status = run_command("import_flaskr", url)
        self.assertIn(": not a Flaskr database: no table entries or post", err)
        self.assertEqual((out, status, len(err.splitlines())), ("", 1, 1))
        fill_postgres(url)
        out, err, status = run_command("import_flaskr", url)
        self.assertEqual((out, err, status), ("Imported 2, already there 0, refused 0.\n", "", 0))
        self.assertEqual(titles(self.client.get("/")), ["Two", "One"])
        self.assertEqual(
            run_command("import_flaskr", url)[0], "Imported 0, already there 2, refused 0.\n"
        )
        self.assertEqual(Entry.objects.count(), 2)
