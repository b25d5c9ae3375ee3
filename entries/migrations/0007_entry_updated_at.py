"""When an entry was last changed (the feed's <updated>): for entries already stored, their
creation time.

On SQLite, Django adds a NOT NULL column by making the table anew, which drops the triggers
that keep the search index in step (migration 0002): they are made again, and the index
rebuilt."""

import django.utils.timezone
from django.db import migrations, models


def updated_when_created(apps, schema_editor):
    Entry = apps.get_model("entries", "Entry")
    Entry.objects.update(updated_at=models.F("created_at"))


SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS entries_entry_fts_insert AFTER INSERT ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS entries_entry_fts_delete AFTER DELETE ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(entries_entry_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS entries_entry_fts_update AFTER UPDATE ON entries_entry BEGIN
        INSERT INTO entries_entry_fts(entries_entry_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO entries_entry_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    "INSERT INTO entries_entry_fts(entries_entry_fts) VALUES ('rebuild')",
]


def search_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("entries", "0006_pages_cache_table")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(search_triggers_again, migrations.RunPython.noop),
        migrations.RunPython(updated_when_created, migrations.RunPython.noop),
    ]
