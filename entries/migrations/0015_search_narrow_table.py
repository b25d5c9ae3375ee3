"""PostgreSQL: the search's upper-case copies move out of the entries' rows into a narrow
table of their own, `entries_entry_search`, with the trigram indexes, and with what a page of
matches is ordered and filtered by (status, publish_at).

The indexes give candidates that the table reads again and checks. In entries_entry, rows of
four texts (about 1.9 KB), `fossil`'s 5,000 candidates at 100,000 entries were 1,250 pages to
read: 12.5 ms of a 30 ms search; in rows of the copies (about 500 bytes), 300 pages and 5 ms.
And every page of /, which never reads the copies, no longer has them in its rows.

Triggers keep the table in step with every write (a post, an edit, an update in bulk, SQL of
an operator's, a delete, a TRUNCATE), as the generated columns did (migration 0013) and as
SQLite's FTS5 table is kept (migration 0009). An UPDATE that changes none of the copied
columns (saving an entry rewrites every column) leaves the table alone.
"""

from django.db import migrations

TRIGRAMS = "USING gin ({} gin_trgm_ops) WITH (fastupdate = off)"  # Migration 0011.
COPIED = "id, status, publish_at, title_upper, plain_text_upper"
COPY = "{0}.id, {0}.status, {0}.publish_at, UPPER({0}.title), UPPER({0}.plain_text)"

FORWARD = [
    """CREATE TABLE entries_entry_search (
        id bigint PRIMARY KEY,
        status varchar(10) NOT NULL,
        publish_at timestamp with time zone NULL,
        title_upper text NOT NULL,
        plain_text_upper text NOT NULL
    )""",
    f"""CREATE FUNCTION entries_entry_search_copy() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM entries_entry_search WHERE id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO entries_entry_search ({COPIED}) VALUES ({COPY.format("NEW")});
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION entries_entry_search_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE entries_entry_search;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER entries_entry_search_insert_delete AFTER INSERT OR DELETE ON entries_entry
    FOR EACH ROW EXECUTE FUNCTION entries_entry_search_copy()""",
    """CREATE TRIGGER entries_entry_search_update
    AFTER UPDATE OF id, status, publish_at, title, plain_text ON entries_entry FOR EACH ROW
    WHEN ((OLD.id, OLD.status, OLD.publish_at, OLD.title, OLD.plain_text)
        IS DISTINCT FROM (NEW.id, NEW.status, NEW.publish_at, NEW.title, NEW.plain_text))
    EXECUTE FUNCTION entries_entry_search_copy()""",
    """CREATE TRIGGER entries_entry_search_truncate AFTER TRUNCATE ON entries_entry
    FOR EACH STATEMENT EXECUTE FUNCTION entries_entry_search_empty()""",
    # In id order, as the entries were written: a range of ids is then a run of pages.
    f"""INSERT INTO entries_entry_search ({COPIED})
    SELECT {COPY.format("entries_entry")} FROM entries_entry ORDER BY id""",
    "CREATE INDEX entries_entry_search_title_trgm ON entries_entry_search "
    + TRIGRAMS.format("title_upper"),
    "CREATE INDEX entries_entry_search_plain_text_trgm ON entries_entry_search "
    + TRIGRAMS.format("plain_text_upper"),
    # The walk's order (search.walked()), as the entries' index entry_published_newest.
    "CREATE INDEX entries_entry_search_published_newest ON entries_entry_search "
    "(status, publish_at DESC, id DESC)",
    # Their indexes go with them.
    "ALTER TABLE entries_entry DROP COLUMN title_upper, DROP COLUMN plain_text_upper",
]

# Migration 0013's state.
BACKWARD = [
    *(
        f"ALTER TABLE entries_entry ADD COLUMN {name}_upper text "
        f"GENERATED ALWAYS AS (UPPER({name}{cast})) STORED"
        for name, cast in [("title", "::text"), ("plain_text", "")]
    ),
    *(
        f"CREATE INDEX entries_entry_{name}_upper_trgm ON entries_entry "
        + TRIGRAMS.format(f"{name}_upper")
        for name in ["title", "plain_text"]
    ),
    "DROP TABLE entries_entry_search",
    *(
        f"DROP TRIGGER entries_entry_search_{name} ON entries_entry"
        for name in ["insert_delete", "update", "truncate"]
    ),
    "DROP FUNCTION entries_entry_search_copy(), entries_entry_search_empty()",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("entries", "0014_unlogged_pages_cache")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
