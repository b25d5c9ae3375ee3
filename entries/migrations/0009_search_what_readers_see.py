"""Search what a reader sees: a plain-text copy of each text (no tags, no attributes,
entities read), kept in step by Entry.prepare(), with the search indexes on it and on the
title instead of on the stored HTML.

SQLite: the FTS5 trigram table is made anew on (title, plain_text), with its triggers and
its automerge of 8 (migration 0004). PostgreSQL: the pg_trgm index moves from UPPER(text)
to UPPER(plain_text)."""

from django.db import migrations, models

from entries.text import visible_text

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS entries_entry_fts_insert",
    "DROP TRIGGER IF EXISTS entries_entry_fts_delete",
    "DROP TRIGGER IF EXISTS entries_entry_fts_update",
    "DROP TABLE IF EXISTS entries_entry_fts",
    """CREATE VIRTUAL TABLE entries_entry_fts USING fts5(
        title, plain_text, content='entries_entry', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER entries_entry_fts_insert AFTER INSERT ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(rowid, title, plain_text)
        VALUES (new.id, new.title, new.plain_text);
    END""",
    """CREATE TRIGGER entries_entry_fts_delete AFTER DELETE ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(entries_entry_fts, rowid, title, plain_text)
        VALUES ('delete', old.id, old.title, old.plain_text);
    END""",
    # Only a change of what is indexed touches the index (not updated_at alone).
    """CREATE TRIGGER entries_entry_fts_update AFTER UPDATE OF title, plain_text ON entries_entry
    BEGIN
        INSERT INTO entries_entry_fts(entries_entry_fts, rowid, title, plain_text)
        VALUES ('delete', old.id, old.title, old.plain_text);
        INSERT INTO entries_entry_fts(rowid, title, plain_text)
        VALUES (new.id, new.title, new.plain_text);
    END""",
    "INSERT INTO entries_entry_fts(entries_entry_fts) VALUES ('rebuild')",
    "INSERT INTO entries_entry_fts(entries_entry_fts, rank) VALUES ('automerge', 8)",
]
POSTGRESQL_FORWARD = [
    "DROP INDEX IF EXISTS entries_entry_text_trgm",
    "CREATE INDEX entries_entry_plain_text_trgm ON entries_entry "
    "USING gin (UPPER(plain_text) gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS entries_entry_plain_text_trgm",
    "CREATE INDEX entries_entry_text_trgm ON entries_entry USING gin (UPPER(text) gin_trgm_ops)",
]
BATCH = 2000


def fill_plain_text(apps, schema_editor):
    Entry = apps.get_model("entries", "Entry")
    entries = []
    for entry in Entry.objects.only("text").iterator(chunk_size=BATCH):
        entry.plain_text = visible_text(entry.text)
        entries.append(entry)
        if len(entries) == BATCH:
            Entry.objects.bulk_update(entries, ["plain_text"])
            entries = []
    Entry.objects.bulk_update(entries, ["plain_text"])


def run(statements):
    def operation(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("entries", "0008_writers_group")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="plain_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_plain_text, migrations.RunPython.noop),
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
