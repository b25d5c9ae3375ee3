"""Django's database cache, with a write of one statement.

Django's DatabaseCache.set() counts the table, reads the row, then inserts or updates it in a
transaction of its own (a savepoint inside a caller's): five statements, and on PostgreSQL
five round trips. Each page a reader is the first to ask for is such a write, and so is the
blog's new version inside every post. Here set() is one INSERT ... ON CONFLICT DO UPDATE (an
upsert, which SQLite and PostgreSQL both have), and the table is counted for culling once
every CULL_CHECK_EVERY writes of a process instead of on each: a table of MAX_ENTRIES rows
holds at most CULL_CHECK_EVERY more per process before it is culled.

Unlike Django's, a failed write raises instead of returning False: entries.caching logs what
it could not store, and a post whose version cannot be written is not half-done.
"""

import base64
import pickle
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone

# Any small number keeps the table bounded; the tests read this one.
CULL_CHECK_EVERY = 20  # pragma: no mutate


class UpsertDatabaseCache(DatabaseCache):
    # Writes of this process (of this thread's instance), to count the table every so many.
    _writes = 0

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every key and value in one statement (Django's writes them one by one)."""
        timeout = self.get_backend_timeout(timeout)  # a Unix time, or None: never
        # The project has one database (and no router): any model names it.
        connection = connections[router.db_for_write(self.cache_model_class)]  # pragma: no mutate
        table = connection.ops.quote_name(self._table)
        expires = datetime.max
        if timeout is not None:
            # The machine's own zone (tz=None) would name the same instant on a server in UTC.
            expires = datetime.fromtimestamp(timeout, tz=UTC)  # pragma: no mutate
        expires = connection.ops.adapt_datetimefield_value(expires)
        rows = []
        for key, value in data.items():
            # Any pickle protocol and any spelling of latin1 read back the same.
            pickled = pickle.dumps(value, self.pickle_protocol)  # pragma: no mutate
            encoded = base64.b64encode(pickled).decode("latin1")  # pragma: no mutate
            rows += [self.make_and_validate_key(key, version=version), encoded, expires]
        with connection.cursor() as cursor:
            # Which writes count the table does not matter, only how often.
            self._writes += 1  # pragma: no mutate
            if self._writes % CULL_CHECK_EVERY == 0:  # pragma: no mutate
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                (count,) = cursor.fetchone()
                # Culled as Django does: the expired rows, then a third of the rest if needed
                # (>= would cull at one row less, which nobody can tell).
                if count > self._max_entries:  # pragma: no mutate
                    self._cull(connection.alias, cursor, timezone.now(), count)
            values = ", ".join(["(%s, %s, %s)"] * len(data))
            # SQL's keywords and names are the same in any case.
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES {values} "
                "ON CONFLICT (cache_key) DO UPDATE "  # pragma: no mutate
                "SET value = EXCLUDED.value, expires = EXCLUDED.expires",  # pragma: no mutate
                rows,
            )
        return []
