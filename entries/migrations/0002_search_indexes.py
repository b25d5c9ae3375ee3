"""Indexes that keep search fast while keeping its "contains, any case" meaning.

SQLite: an FTS5 table with the trigram tokenizer, holding no copy of the text
(content=entries_entry), kept in step by triggers. PostgreSQL: pg_trgm GIN indexes
on UPPER(title) and UPPER(text), the expressions Django's icontains compares.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE entries_entry_fts USING fts5(
        title, text, content='entries_entry', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER entries_entry_fts_insert AFTER INSERT ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER entries_entry_fts_delete AFTER DELETE ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(entries_entry_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER entries_entry_fts_update AFTER UPDATE ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(entries_entry_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO entries_entry_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    "INSERT INTO entries_entry_fts(entries_entry_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER entries_entry_fts_insert",
    "DROP TRIGGER entries_entry_fts_delete",
    "DROP TRIGGER entries_entry_fts_update",
    "DROP TABLE entries_entry_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX entries_entry_title_trgm ON entries_entry "
    "USING gin (UPPER(title::text) gin_trgm_ops)",
    "CREATE INDEX entries_entry_text_trgm ON entries_entry USING gin (UPPER(text) gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX entries_entry_title_trgm",
    "DROP INDEX entries_entry_text_trgm",
]


def run(statements):
    def operation(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("entries", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
