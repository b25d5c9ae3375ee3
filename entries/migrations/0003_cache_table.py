"""The shared cache's table (settings.CACHES), made by migrate so that everything that
migrates (the release phase, `make run`, the tests, the benchmark) has it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("entries", "0002_search_indexes")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
