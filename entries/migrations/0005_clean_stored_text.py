"""Clean the rows stored before every write path cleaned them (QuerySet.update(), fixtures,
bulk_create): control characters dropped, the text sanitized. Rows already clean are
left as they are."""

from django.db import migrations

from entries.text import drop_control_characters, sanitize_html

BATCH = 2000


def clean_stored_text(apps, schema_editor):
    Entry = apps.get_model("entries", "Entry")
    changed = []
    for entry in Entry.objects.only("title", "text").iterator(chunk_size=BATCH):
        title = drop_control_characters(entry.title)
        text = sanitize_html(drop_control_characters(entry.text))
        if (title, text) != (entry.title, entry.text):
            entry.title, entry.text = title, text
            changed.append(entry)
    Entry.objects.bulk_update(changed, ["title", "text"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("entries", "0004_search_index_automerge")]

    operations = [migrations.RunPython(clean_stored_text, migrations.RunPython.noop)]
