"""PostgreSQL: the trigram indexes take each post's trigrams at once (fastupdate off).

With GIN's default fastupdate, new entries' trigrams wait in a pending list that every search
reads from end to end until a vacuum (or 4 MB of them) merges it into the index. Measured at
100,000 entries: the longest query took 3.3 ms after a vacuum and 8.4 ms after 3,000 posts,
and `make bench` saw its longest-query and old-word searches halve round after round as its
posts piled up. Without the list a post costs 1.35 ms instead of 1.10 (in-process), and a
search what it costs on a fresh index.
"""

from django.db import migrations

INDEXES = ["entries_entry_title_trgm", "entries_entry_plain_text_trgm"]


def set_fastupdate(value):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for index in INDEXES:
                schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = {value})")

    return operation


class Migration(migrations.Migration):
    dependencies = [("entries", "0010_search_index_automerge_4")]

    operations = [migrations.RunPython(set_fastupdate("off"), set_fastupdate("on"))]
