import contextlib
import sqlite3
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from entries.management.commands._importing import Importer, Item, find_author

# The tutorial's table (its schema.sql), then flaskr-tdd's (its SQLAlchemy model, Post).
TABLES = ["entries", "post"]
COLUMNS = {"id", "title", "text"}
# Rows read at a time, by their ids: memory stays flat at any size.
PAGE = 1000  # pragma: no mutate: memory and speed only (make bench-moving)
ERRORS = (sqlite3.Error, psycopg.Error)


def shown(source):
    """The source as messages name it: a URL without its user and password."""
    if "://" not in source:
        return source
    parts = urlsplit(source)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


def connect(source):
    """A DB-API connection to the source (a SQLite file, or a database URL), and the
    placeholder its queries use; CommandError when it cannot be opened."""
    path = source
    if "://" in source:
        try:
            settings = dj_database_url.parse(source)
        except ValueError:
            settings = {}
        engine = settings.get("ENGINE", "")
        # A PostgreSQL source: mutmut runs the app's tests on SQLite only, so it could not tell
        # a mutant here from the original; tests/system/test_import_postgres.py imports from a
        # real server through these lines.
        # pragma: no mutate start
        if engine.endswith("postgresql"):
            try:
                options = {"dbname": settings["NAME"], "user": settings["USER"],
                           "password": settings["PASSWORD"], "host": settings["HOST"],
                           "port": settings["PORT"], **settings.get("OPTIONS", {})}  # fmt: skip
                return psycopg.connect(autocommit=True, **options), "%s"
            except psycopg.Error as error:
                # libpq explains on several lines: one line is what a command says.
                why = " ".join(str(error).split())
                raise CommandError(f"{shown(source)}: cannot connect: {why}") from None
        # pragma: no mutate end
        if not engine.endswith("sqlite3"):
            raise CommandError(f"{shown(source)}: not a SQLite or PostgreSQL database.")
        path = settings["NAME"]
    if not Path(path).is_file():
        raise CommandError(f"{shown(source)}: no such file.")
    # Read-only: an import never changes its source.
    db = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    # Text that is not UTF-8 (SQLite stores any bytes as text) is read with U+FFFD for
    # what is not, as browsers show it, rather than stopping the import.
    db.text_factory = lambda value: value.decode(errors="replace")
    return db, "?"


def find_table(db, source):
    """The name of the source's Flaskr table, or CommandError."""
    for table in TABLES:
        try:
            cursor = db.execute(f"SELECT * FROM {table} LIMIT 0")
        except sqlite3.DatabaseError as error:
            if "no such table" not in str(error):
                raise CommandError(f"{shown(source)}: not a Flaskr database: {error}") from None
            continue
        except psycopg.errors.UndefinedTable:
            continue
        if {column[0].lower() for column in cursor.description} >= COLUMNS:
            return table
    raise CommandError(
        f"{shown(source)}: not a Flaskr database: no table entries or post with the "
        "columns id, title and text."
    )


def item(row, when):
    pk, title, text = row
    problem = next(
        (
            f"{name}: not text."
            for name, value in [("title", title), ("text", text)]
            if not isinstance(value, str | None)
        ),
        "",
    )
    return Item(
        ref=f"flaskr:{pk}",
        name=f"row {pk}",
        title=title if isinstance(title, str) else "",
        text=text if isinstance(text, str) else "",
        publish_at=when,
        created_at=when,
        problem=problem,
    )


class Command(BaseCommand):
    help = (
        "Import the entries of an original Flaskr blog (the tutorial's entries table, or "
        "flaskr-tdd's post table) from its SQLite file or a database URL, as published "
        "entries in their order; rows imported before are skipped."
    )

    def add_arguments(self, parser):
        # Help texts are words for people: the tests check what the options do, not these.
        parser.add_argument(
            "source",
            help="A SQLite file or a database URL.",  # pragma: no mutate
        )
        parser.add_argument(
            "--author",
            help="The username the entries are written by (default: nobody).",  # pragma: no mutate
        )

    def handle(self, source, author, **options):
        author = find_author(author)
        db, mark = connect(source)
        with contextlib.closing(db):
            table = find_table(db, source)
            low, high, total = db.execute(
                f"SELECT min(id), max(id), count(*) FROM {table}"
            ).fetchone()
            importer = Importer(self, author)
            importer.run(self.items(db, table, mark, low, high), total)

    def items(self, db, table, mark, low, high):
        """The rows by pages of ids, oldest first, each published `high - id` seconds before
        now: the newest row now, the order of ids kept, and each entry's time its own."""
        now = timezone.now()
        last = (low or 0) - 1
        query = f"SELECT id, title, text FROM {table} WHERE id > {mark} ORDER BY id LIMIT {PAGE}"
        while rows := db.execute(query, [last]).fetchall():
            for row in rows:
                yield item(row, now - timedelta(seconds=high - row[0]))
            last = rows[-1][0]
