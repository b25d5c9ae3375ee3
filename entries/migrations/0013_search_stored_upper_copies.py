"""PostgreSQL: a search checks its candidates against stored upper-case copies of the title
and the plain text, not against UPPER() of each, folded again at every check.

The trigram indexes give candidates that the table checks again (a row holding a query's
trigrams may not hold the query). With the indexes on UPPER(title) and UPPER(plain_text),
each check folded the candidate's text again: for `fossil`, in 5,000 of the oldest of 100,000
entries, 26 ms of a 46 ms search (EXPLAIN ANALYZE over those 5,000 rows: UPPER(...) LIKE
29 ms, LIKE on the text as stored 8 ms). Generated columns keep the copies in step with every
write (a post, an edit, an import, an update in bulk); no model field names them, and the ORM
never reads them (SQLite's FTS5 table folds case itself).

A later migration that changes the type of `title` or `plain_text` on PostgreSQL must drop
these columns first and add them again after.
"""

from django.db import migrations

COLUMNS = {"title_upper": "UPPER(title::text)", "plain_text_upper": "UPPER(plain_text)"}
OLD_INDEXES = {
    "entries_entry_title_trgm": "UPPER(title::text)",
    "entries_entry_plain_text_trgm": "UPPER(plain_text)",
}
TRIGRAMS = "USING gin ({} gin_trgm_ops) WITH (fastupdate = off)"  # Migration 0011.

FORWARD = [
    *(
        f"ALTER TABLE entries_entry ADD COLUMN {name} text GENERATED ALWAYS AS ({copy}) STORED"
        for name, copy in COLUMNS.items()
    ),
    *(f"DROP INDEX IF EXISTS {index}" for index in OLD_INDEXES),
    *(
        f"CREATE INDEX entries_entry_{name}_trgm ON entries_entry {TRIGRAMS.format(name)}"
        for name in COLUMNS
    ),
]
BACKWARD = [
    *(
        f"CREATE INDEX {index} ON entries_entry {TRIGRAMS.format(expression)}"
        for index, expression in OLD_INDEXES.items()
    ),
    *(f"ALTER TABLE entries_entry DROP COLUMN {name}" for name in COLUMNS),
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("entries", "0012_writing_tags_imports")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
