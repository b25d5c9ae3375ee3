"""Search: which entries match a query, and how each database finds them through an index.

The rules, in one place:
- a query matches an entry whose title or text contains it, in any case, as typed (a
  phrase, not words: `"`, `%`, `_` and FTS syntax are just text);
- queries of SHORTEST_INDEXED_QUERY characters or more are served by a trigram index
  (SQLite: FTS5 with the trigram tokenizer; PostgreSQL: pg_trgm GIN indexes);
- a shorter query cannot use those indexes, so it is looked for in the newest page only.
"""

import re

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL

SHORTEST_INDEXED_QUERY = 3

# On SQLite, a query found in this many entries or more is a common word: walking the
# newest-first index and checking each entry finds a page sooner than sorting every match.
COMMON_MATCHES = 2000

# The entries whose title or text holds a phrase, from SQLite's trigram index (migration 0002).
FTS_MATCHES = "SELECT rowid FROM entries_entry_fts WHERE entries_entry_fts MATCH %s"


def is_indexed(query):
    """Whether an index serves the query; if not, only the newest page is searched."""
    return len(query) >= SHORTEST_INDEXED_QUERY


def matching(entries, query):
    """The entries (a QuerySet) whose title or text contains `query`, in any case.

    SQLite's trigram index is asked for the query as one quoted phrase, so that FTS syntax
    in it is just text; for a common word it only counts the matches, up to COMMON_MATCHES,
    and the newest entries are then checked one by one with a case-insensitive regular
    expression (Python's, so in any script, as FTS does). PostgreSQL's pg_trgm indexes
    serve Django's own icontains, and its planner makes the same choice itself.
    """
    connection = connections[entries.db]
    if connection.vendor == "sqlite" and is_indexed(query):
        phrase = '"' + query.replace('"', '""') + '"'
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({FTS_MATCHES} LIMIT {COMMON_MATCHES})", [phrase])
            (matches,) = cursor.fetchone()
        if matches < COMMON_MATCHES:
            return entries.filter(pk__in=RawSQL(FTS_MATCHES, [phrase]))
        pattern = re.escape(query)
        return entries.filter(Q(title__iregex=pattern) | Q(text__iregex=pattern))
    return entries.filter(Q(title__icontains=query) | Q(text__icontains=query))
