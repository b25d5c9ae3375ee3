"""`manage.py import_flaskr SOURCE`: the original Flaskr's entries (the tutorial's `entries`
table, flaskr-tdd's `post`) become published entries, in their order, once."""

import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import time_machine
from django.db import connection
from django.test import TestCase

from entries.management.commands import _importing
from entries.models import Entry, Markup, Status
from entries.tests.helpers import TTY, create_user, run_command, titles

# The tutorial's own schema.sql.
TUTORIAL_SCHEMA = """
drop table if exists entries;
create table entries (
  id integer primary key autoincrement,
  title text not null,
  'text' text not null
);
"""
# What SQLAlchemy emits on SQLite for flaskr-tdd's model: class Post(db.Model): id =
# Column(Integer, primary_key=True), title = Column(String, nullable=False), text = ... .
FLASKR_TDD_SCHEMA = """
CREATE TABLE post (
	id INTEGER NOT NULL,
	title VARCHAR NOT NULL,
	text VARCHAR NOT NULL,
	PRIMARY KEY (id)
);
"""  # noqa: W191, E101
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FlaskrFiles:
    """A temporary folder for the test's Flaskr databases."""

    def setUp(self):
        super().setUp()
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def flaskr_db(self, rows, schema=TUTORIAL_SCHEMA, table="entries", name="flaskr.db"):
        path = self.folder / name
        with sqlite3.connect(path) as db:
            db.executescript(schema)
            if rows:
                db.executemany(f"INSERT INTO {table} (id, title, text) VALUES (?, ?, ?)", rows)
        db.close()
        return path


class ImportFlaskrTests(FlaskrFiles, TestCase):
    def setUp(self):
        super().setUp()
        self.enterContext(time_machine.travel(NOW, tick=False))

    def test_every_row_of_the_tutorials_table_is_a_published_html_entry(self):
        path = self.flaskr_db(
            [(1, "Hello", "<strong>HTML</strong> allowed here"), (2, "Second", "plain")]
        )
        out, err, status = run_command("import_flaskr", path)
        self.assertEqual((out, err, status), ("Imported 2, already there 0, refused 0.\n", "", 0))
        hello = Entry.objects.get(title="Hello")
        self.assertEqual(hello.text, "<strong>HTML</strong> allowed here")
        self.assertEqual(hello.markup, Markup.HTML)
        self.assertEqual(hello.status, Status.PUBLISHED)
        self.assertEqual(hello.import_ref, "flaskr:1")
        self.assertIsNone(hello.author)
        page = self.client.get("/")
        self.assertEqual(titles(page), ["Second", "Hello"])
        self.assertContains(page, "<strong>HTML</strong> allowed here", html=False)

    def test_flaskr_tdds_post_table_is_found_too(self):
        path = self.flaskr_db([(7, "From TDD", "text")], FLASKR_TDD_SCHEMA, "post")
        self.assertEqual(
            run_command("import_flaskr", path)[0], "Imported 1, already there 0, refused 0.\n"
        )
        self.assertEqual(Entry.objects.get().import_ref, "flaskr:7")

    def test_the_order_is_kept_a_second_a_step_of_id_back_from_now(self):
        path = self.flaskr_db([(1, "One", "a"), (2, "Two", "b"), (5, "Five", "c")])
        run_command("import_flaskr", path)
        times = dict(Entry.objects.values_list("title", "publish_at"))
        self.assertEqual(times, {"Five": NOW, "Two": NOW - timedelta(seconds=3),
                                 "One": NOW - timedelta(seconds=4)})  # fmt: skip
        created = dict(Entry.objects.values_list("title", "created_at"))
        self.assertEqual(created, times)
        self.assertEqual(titles(self.client.get("/")), ["Five", "Two", "One"])

    def test_the_text_is_sanitized_as_any_other(self):
        path = self.flaskr_db(
            [(1, "Evil", '<script>alert(1)</script><a href="javascript:x">k</a>')]
        )
        run_command("import_flaskr", path)
        page = self.client.get("/")
        self.assertNotContains(page, "alert(1)")
        self.assertNotContains(page, "javascript:")
        self.assertContains(page, '<a rel="noopener noreferrer nofollow">k</a>', html=True)

    def test_running_again_imports_nothing_twice_and_the_new_rows_only(self):
        path = self.flaskr_db([(1, "One", "a"), (2, "Two", "b")])
        run_command("import_flaskr", path)
        self.assertEqual(
            run_command("import_flaskr", path)[0], "Imported 0, already there 2, refused 0.\n"
        )
        with sqlite3.connect(path) as db:
            db.execute("INSERT INTO entries (title, text) VALUES ('Three', 'c')")
        db.close()
        self.assertEqual(
            run_command("import_flaskr", path)[0], "Imported 1, already there 2, refused 0.\n"
        )
        self.assertEqual(Entry.objects.count(), 3)
        self.assertEqual(titles(self.client.get("/")), ["Three", "Two", "One"])

    def test_the_author_option_names_who_wrote_them(self):
        writer = create_user("writer")
        path = self.flaskr_db([(1, "One", "a")])
        run_command("import_flaskr", path, "--author", "writer")
        self.assertEqual(Entry.objects.get().author, writer)

    def test_an_unknown_author_is_one_line_and_nothing_is_imported(self):
        path = self.flaskr_db([(1, "One", "a")])
        out, err, status = run_command("import_flaskr", path, "--author", "nobody")
        self.assertEqual((out, err, status), ("", "CommandError: No user named 'nobody'.\n", 1))
        self.assertFalse(Entry.objects.exists())

    def test_a_database_url_works_too(self):
        path = self.flaskr_db([(1, "One", "a")])
        self.assertEqual(run_command("import_flaskr", f"sqlite:///{path}")[2], 0)
        self.assertEqual(Entry.objects.get().title, "One")

    def test_a_missing_file_is_one_line_and_exit_status_1(self):
        missing = self.folder / "missing.db"
        out, err, status = run_command("import_flaskr", missing)
        self.assertEqual((out, err, status), ("", f"CommandError: {missing}: no such file.\n", 1))

    def test_a_file_that_is_not_sqlite_is_one_line(self):
        path = self.folder / "notes.txt"
        path.write_text("Just some notes, not a database.\n" * 100)
        out, err, status = run_command("import_flaskr", path)
        self.assertEqual(
            err, f"CommandError: {path}: not a Flaskr database: file is not a database\n"
        )
        self.assertEqual((out, status), ("", 1))

    def test_a_database_of_another_kind_is_one_line(self):
        path = self.flaskr_db([], "create table entries (id integer, body text);", "entries")
        self.flaskr_db([], "create table post (id integer, title text);", "post", "other.db")
        for source in [path, self.folder / "other.db"]:
            out, err, status = run_command("import_flaskr", source)
            self.assertEqual(
                err,
                f"CommandError: {source}: not a Flaskr database: no table entries or post "
                "with the columns id, title and text.\n",
            )
            self.assertEqual(status, 1)
        self.assertFalse(Entry.objects.exists())

    def test_a_url_of_another_database_is_one_line(self):
        for url in ["mysql://user:secret@db.example/blog", "gopher://user:secret@db.example/blog"]:
            out, err, status = run_command("import_flaskr", url)
            scheme = url.split(":")[0]
            self.assertEqual(
                err,
                f"CommandError: {scheme}://db.example/blog: not a SQLite or PostgreSQL database.\n",
            )
            self.assertEqual(status, 1)

    def test_rows_that_cannot_be_taken_are_named_with_the_reason_and_the_rest_imported(self):
        path = self.flaskr_db(
            [(1, "Fine", "a"), (2, "x" * 201, "b"), (3, "Long", "y" * 100_001), (4, "Also", "c")]
        )
        out, err, status = run_command("import_flaskr", path)
        self.assertEqual(out, "Imported 2, already there 0, refused 2.\n")
        self.assertEqual(
            err,
            "row 2: refused: title: Ensure this value has at most 200 characters (it has 201).\n"
            "row 3: refused: text: Ensure this value has at most 100000 characters "
            "(it has 100001).\n"
            "CommandError: 2 refused (listed above); the rest was imported.\n",
        )
        self.assertEqual(status, 2)
        self.assertEqual(sorted(Entry.objects.values_list("title", flat=True)), ["Also", "Fine"])
        # Refused rows are tried again on the next run, and refused again.
        self.assertEqual(
            run_command("import_flaskr", path)[0], "Imported 0, already there 2, refused 2.\n"
        )

    def test_a_text_nested_too_deeply_is_refused(self):
        path = self.flaskr_db([(1, "Deep", "<ul>" * 60)])
        out, err, status = run_command("import_flaskr", path)
        self.assertEqual(
            err.splitlines()[0],
            "row 1: refused: The text is nested too deeply: at most 50 levels of quotes, "
            "lists or tags.",
        )
        self.assertEqual(status, 2)

    def test_an_empty_title_is_untitled_and_an_empty_text_kept(self):
        path = self.flaskr_db([(1, "  ", ""), (2, "Two", "b")])
        run_command("import_flaskr", path)
        entry = Entry.objects.get(import_ref="flaskr:1")
        self.assertEqual((entry.title, entry.text), ("Untitled", ""))

    def test_a_value_that_is_not_text_is_refused(self):
        path = self.flaskr_db([(1, b"\x00bytes", "a"), (2, "Two", b"\xff")])
        out, err, status = run_command("import_flaskr", path)
        self.assertEqual(
            err.splitlines()[:2],
            ["row 1: refused: title: not text.", "row 2: refused: text: not text."],
        )
        self.assertEqual(out, "Imported 0, already there 0, refused 2.\n")

    def test_text_that_is_not_utf_8_is_read_with_replacement_characters(self):
        path = self.flaskr_db([])
        with sqlite3.connect(path) as db:
            db.execute("INSERT INTO entries VALUES (1, CAST(x'4869ff' AS TEXT), 'ok')")
        db.close()
        self.assertEqual(run_command("import_flaskr", path)[2], 0)
        self.assertEqual(Entry.objects.get().title, "Hi\ufffd")

    def test_rows_go_in_by_batches_each_all_or_nothing(self):
        rows = [(n, f"Entry {n}", "t") for n in range(1, 8)] + [(8, "x" * 201, "t")]
        path = self.flaskr_db(rows)
        with mock.patch.object(_importing, "BATCH_SIZE", 3):
            out, _, _ = run_command("import_flaskr", path)
        self.assertEqual(out, "Imported 7, already there 0, refused 1.\n")
        self.assertEqual(titles(self.client.get("/"))[:2], ["Entry 7", "Entry 6"])

    def test_a_row_stored_meanwhile_by_another_run_counts_as_already_there(self):
        """Two runs at once: the batch fails on the row the other stored; the rest goes in."""
        path = self.flaskr_db([(1, "One", "a"), (2, "Two", "b")])
        run_command("import_flaskr", path)
        Entry.objects.filter(import_ref="flaskr:1").update(title="Kept")
        Entry.objects.filter(import_ref="flaskr:2").delete()
        with mock.patch.object(_importing.Importer, "stored_refs", return_value=set()):
            out, err, status = run_command("import_flaskr", path)
        self.assertEqual((out, err, status), ("Imported 1, already there 1, refused 0.\n", "", 0))
        self.assertEqual(sorted(Entry.objects.values_list("title", flat=True)), ["Kept", "Two"])

    def test_a_write_that_fails_otherwise_refuses_that_row_with_the_reason(self):
        path = self.flaskr_db([(1, "One", "a"), (2, "Two", "b")])
        real = Entry.objects.bulk_create

        def refuse_two(entries, *args, **kwargs):
            if any(entry.title == "Two" for entry in entries):
                raise _importing.DatabaseError("the disk is full")
            return real(entries, *args, **kwargs)

        with mock.patch.object(Entry.objects, "bulk_create", side_effect=refuse_two):
            out, err, status = run_command("import_flaskr", path)
        self.assertEqual(out, "Imported 1, already there 0, refused 1.\n")
        self.assertEqual(err.splitlines()[0], "row 2: refused: the disk is full")
        self.assertEqual(list(Entry.objects.values_list("title", flat=True)), ["One"])

    def test_a_terminal_sees_the_progress(self):
        path = self.flaskr_db([(n, f"Entry {n}", "t") for n in range(1, 6)])
        with mock.patch.object(_importing, "BATCH_SIZE", 2):
            out, _, _ = run_command("import_flaskr", path, stdout=TTY())
        self.assertEqual(out, "\r2 of 5\r4 of 5\r5 of 5\nImported 5, already there 0, refused 0.\n")

    def test_the_page_cache_is_fresh_afterwards(self):
        self.assertContains(self.client.get("/"), "No entries yet")
        run_command("import_flaskr", self.flaskr_db([(1, "Fresh", "a")]))
        self.assertEqual(titles(self.client.get("/")), ["Fresh"])


class ImportFromPostgresTests(TestCase):
    """A Flaskr database on PostgreSQL, by its URL (on the server the tests run on)."""

    def test_a_postgresql_url_is_read(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only (tests/system covers it on SQLite's run)")
        from tools import postgres

        settings = connection.settings_dict
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        who, where = f"{settings['USER']}{password}", f"{settings['HOST']}:{settings['PORT']}"
        server = f"postgres://{who}@{where}/postgres"
        url = postgres.create_database(server)
        self.addCleanup(postgres.drop_database, url)
        fill_postgres(url)
        out, err, status = run_command("import_flaskr", url)
        self.assertEqual((out, err, status), ("Imported 2, already there 0, refused 0.\n", "", 0))
        self.assertEqual(titles(self.client.get("/")), ["Two", "One"])


def fill_postgres(url):
    """The tutorial's table on PostgreSQL, with two rows."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute(
            "CREATE TABLE entries (id serial PRIMARY KEY, title text NOT NULL, text text NOT NULL)"
        )
        db.execute("INSERT INTO entries (title, text) VALUES ('One', 'a'), ('Two', 'b')")


class UnreachablePostgresTests(TestCase):
    def test_a_server_that_does_not_answer_is_one_line_without_the_password(self):
        out, err, status = run_command("import_flaskr", "postgres://flaskr:secret@127.0.0.1:1/blog")
        self.assertTrue(
            err.startswith("CommandError: postgres://127.0.0.1:1/blog: cannot connect: "), err
        )
        self.assertNotIn("secret", err)
        self.assertEqual((out, status, len(err.splitlines())), ("", 1, 1))
