"""SQLite: merge the search index's segments 4 at a time again (FTS5's default), not 8.

Each post's trigrams are a small new segment, and a search looks up each of its trigrams in
every segment. Measured at 100,000 entries after 5,000 posts, each in its own transaction:
with 8, the longest query (100 characters) took 14.5-15.3 ms, with 4 6.5-6.9 ms; a post's
insert and commit 0.45-0.48 ms with 8, 0.46-0.50 ms with 4 (migration 0004 had measured
posts faster with 8; they no longer are).
"""

from django.db import migrations


def set_automerge(level):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                "INSERT INTO entries_entry_fts(entries_entry_fts, rank) VALUES ('automerge', %s)",
                [level],
            )

    return operation


class Migration(migrations.Migration):
    dependencies = [("entries", "0009_search_what_readers_see")]

    operations = [migrations.RunPython(set_automerge(4), set_automerge(8))]
