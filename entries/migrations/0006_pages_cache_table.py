"""The pages cache's own table (settings.CACHES["pages"]), apart from the sessions' cache."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Makes every table settings.CACHES names that does not exist yet.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("entries", "0005_clean_stored_text")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
