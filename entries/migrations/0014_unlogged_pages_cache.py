"""PostgreSQL: the pages' cache table (settings.CACHES["pages"]) is unlogged.

Each page a reader is the first to ask for is stored twice, as rendered and gzipped: on a
logged table 46 KB of write-ahead log for a page of 18 KB, and a commit that waits for the
disk (at 100,000 entries, an uncached `/` ran at 115 to 182 requests a second, and at 162 to
220 without that wait: docs/benchmarks.md). An unlogged table writes no log, so its commits
wait for nothing; after a crash PostgreSQL empties it, and followers do not have it. For a
cache that is what is wanted: the pages go with the blog's version stored beside them, and
the next reader's page is rendered anew, from entries that are in the log. SQLite has the
same trade in entries.caching.without_waiting().

A table that `manage.py createcachetable` makes again (after a DROP) is logged: `ALTER TABLE
flaskr_pages SET UNLOGGED` makes it as this migration does.
"""

from django.conf import settings
from django.db import migrations


def persistence(kind):
    def operation(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(settings.CACHES["pages"]["LOCATION"])
            schema_editor.execute(f"ALTER TABLE {table} SET {kind}")

    return operation


class Migration(migrations.Migration):
    dependencies = [("entries", "0013_search_stored_upper_copies")]

    operations = [migrations.RunPython(persistence("UNLOGGED"), persistence("LOGGED"))]
