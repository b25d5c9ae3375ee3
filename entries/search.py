"""Search: which entries match a query, how each database finds them at a bounded cost, and
where the match is shown.

The rules (docs/reference.md says them to readers):
- A query matches an entry whose title, or whose text as a reader sees it (`plain_text`: no
  tags, no attributes, entities read), contains it, in any case, as typed: a phrase, in which
  `"`, `%`, `_` and search syntax are just text.
- A query is at most MAX_QUERY_LENGTH characters (longer: the form says so, nothing is
  searched).
- A query of SHORTEST_INDEXED_QUERY characters or more goes through a trigram index
  (SQLite: FTS5 with the trigram tokenizer; PostgreSQL: pg_trgm GIN indexes), which gives
  the MAX_MATCHES most recently written matches at most (on PostgreSQL, past its newest
  RECENT_WINDOW entries, a sample of them when a query is in very many); those are shown
  newest first. On SQLite a query longer than PROBE_LENGTH is first looked for by a part of
  it, then checked whole.
- A shorter query cannot use a trigram index: it is looked for in the newest RECENT entries.
- However a rule turns out, no search runs longer than TIME_LIMIT: the database stops it
  (SQLite's progress handler, PostgreSQL's statement_timeout) and the page says so.
"""

import contextlib
import html
import re
import time
from dataclasses import dataclass

from django.db import OperationalError, connections, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from entries.models import Entry, after_key
from entries.text import TAG

# A phrase's cost grows with its length (each trigram is looked up in the index: about
# 35 microseconds on SQLite, so 6 ms at 200 characters); 100 holds a sentence.
MAX_QUERY_LENGTH = 100
# SQLite: a longer query is looked up by its PROBE_LENGTH characters most likely to be rare,
# then checked whole (14 trigram lookups, not up to 98: each costs more as posts add
# segments to the index).
PROBE_LENGTH = 16
SHORTEST_INDEXED_QUERY = 3
MAX_MATCHES = 1000
RECENT = 1000
# PostgreSQL only: the newest entries checked one by one before the trigram indexes are
# asked, and how many entries those indexes return at most (a sample past that).
# Each entry of the window costs a LIKE on its text: 1,000 took a third of a search at
# 100,000 entries; 250 still fill the first page with a word in one entry in twelve.
RECENT_WINDOW = 250
GIN_LIMIT = 1000
TIME_LIMIT = 0.25  # seconds
# A text longer than this (as a reader sees it) is shown as a snippet around the first match.
LONG_TEXT = 600
SNIPPET_BEFORE, SNIPPET_AFTER = 80, 220

# SQLite: the most recently written entries whose title or plain text holds the phrase, from
# the trigram index (migration 0009), newest rowid first, so that FTS5 stops at the limit.
FTS_MATCHES = (
    "SELECT rowid FROM entries_entry_fts WHERE entries_entry_fts MATCH %s "
    "ORDER BY rowid DESC LIMIT %s"
)


class Stopped(Exception):
    """The database stopped a search that ran past TIME_LIMIT."""


@dataclass
class Found:
    entries: list  # up to `limit` entries, newest first
    capped: bool = False  # more matched than MAX_MATCHES: only the most recent are shown
    recent_only: bool = False  # a short query: only the newest RECENT entries were looked at


def find(query, before=None, *, limit):
    """The published entries matching `query`, newest first, older than the `before` key
    (publish_at, id) when given."""
    entries = Entry.objects.for_pages("plain_text")  # mark() makes snippets of it
    with time_limit(connections[entries.db]):
        if len(query) < SHORTEST_INDEXED_QUERY:
            return Found(recent_matches(query, before, limit), recent_only=True)
        # Ids and dates only: no join to the authors for the thousand candidates.
        found = candidates(Entry.objects.published(), query, before)
    capped = len(found) > MAX_MATCHES
    ids = [pk for pk, shown in found[:MAX_MATCHES] if shown][:limit]
    by_id = entries.in_bulk(ids)
    return Found([by_id[pk] for pk in ids if pk in by_id], capped=capped)


def contains(query):
    return Q(title__icontains=query) | Q(plain_text__icontains=query)


def candidates(entries, query, before):
    """The ids of the most recently written matches, MAX_MATCHES + 1 at most (one more tells
    that there are more), newest first, each with whether it comes after `before`."""
    connection = connections[entries.db]
    if connection.vendor != "sqlite":
        # Run by `make test-postgres`, not by mutmut (see below).
        return postgresql_candidates(connection, entries, query, before)  # pragma: no mutate
    # Ordered and compared by the database: ids and flags come back, not a thousand dates
    # to convert (they were half of a common word's search).
    shown = after_key(before) if before else Value(True)
    # The database gives the flag as 0 or 1 whatever the output field says.
    shown = ExpressionWrapper(shown, output_field=BooleanField())  # pragma: no mutate
    # Which way a query goes changes what it costs, never what it finds: a query of
    # PROBE_LENGTH is its own probe, and the whole phrase finds what the probe's checked
    # matches hold whenever the probe is in fewer entries than were read.
    if len(query) > PROBE_LENGTH:  # pragma: no mutate
        # The entries holding the probe hold all the matches: those that hold the whole query
        # are kept, unless the probe was in more entries than were read.
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        probed = fts_matches(entries, probe(query))
        rows = list(probed.values_list("id", shown, "title", "plain_text"))
        found = [(pk, flag) for pk, flag, *texts in rows if any(map(pattern.search, texts))]
        if len(rows) <= MAX_MATCHES or len(found) == len(rows):  # pragma: no mutate
            return found
    return list(fts_matches(entries, query).values_list("id", shown))


def fts_matches(entries, query):
    """SQLite: the MAX_MATCHES + 1 most recently written entries holding `query`, by date."""
    phrase = '"' + query.replace('"', '""') + '"'
    # One more than MAX_MATCHES tells that there are more; two more would tell it as well.
    limit = MAX_MATCHES + 1  # pragma: no mutate
    matches = entries.filter(pk__in=RawSQL(FTS_MATCHES, [phrase, limit]))
    return matches.order_by("-publish_at", "-id")


# Which part of a query is the probe changes what the search costs, never what it finds
# (candidates() checks the whole query), so no test can tell a mutant here from the original;
# `make bench`'s longest query measures it.
# pragma: no mutate start
def probe(query):
    """The PROBE_LENGTH characters of `query` with the most distinct trigrams (the last such),
    likely the rarest: what SQLite's index is asked for first."""
    folded = query.lower()
    trigrams = [folded[i : i + 3] for i in range(len(folded) - 2)]
    per_window = PROBE_LENGTH - 2
    start = max(
        range(len(query) - PROBE_LENGTH + 1),
        key=lambda i: (len(set(trigrams[i : i + per_window])), i),
    )
    return query[start : start + PROBE_LENGTH]


# pragma: no mutate end


# PostgreSQL only. mutmut runs the app's tests on SQLite, so it could not tell a mutant here
# from the original; `make test-postgres` runs the same tests on PostgreSQL against this code.
# pragma: no mutate start
def postgresql_candidates(connection, entries, query, before):
    # PostgreSQL's GIN indexes cannot stop at the newest matches as FTS5 does. So the
    # newest RECENT_WINDOW entries are checked first (a primary-key range: a common word
    # fills the list there), then the older ones through the trigram indexes alone, which
    # return a sample once a query's trigrams are in more than GIN_LIMIT entries: a query of
    # common words costs what a rare one does.
    matches = entries.filter(contains(query)).order_by("-id").values_list("publish_at", "id")
    newest = entries.order_by("-id").values_list("id", flat=True).first() or 0
    # A number, not a subquery: the planner then knows how few rows the range holds.
    boundary = newest - RECENT_WINDOW
    # The plans are chosen here, not left to table statistics, which a fresh or freshly
    # seeded database does not have yet: first the primary key's range alone...
    plan(connection, enable_seqscan="off", enable_bitmapscan="off")
    found = list(matches.filter(id__gt=boundary)[: MAX_MATCHES + 1])
    if len(found) <= MAX_MATCHES:
        # ...then the trigram indexes alone: no table scan, no walk of the primary key.
        plan(
            connection,
            enable_bitmapscan="on",
            enable_indexscan="off",
            gin_fuzzy_search_limit=GIN_LIMIT,
        )
        # The range is filtered here, not in SQL: given `id <= boundary` (most of the table),
        # a planner with fresh statistics walks the primary key instead of the trigrams.
        older = [key for key in matches[: MAX_MATCHES + 1] if key[1] <= boundary]
        found += older[: MAX_MATCHES + 1 - len(found)]
    keys = sorted(found, reverse=True)
    return [(pk, not before or (publish_at, pk) < before) for publish_at, pk in keys]


def plan(connection, **settings):
    """SET LOCAL PostgreSQL's planner settings for the rest of the search's transaction,
    in one statement."""
    calls = ", ".join("set_config(%s, %s, true)" for _ in settings)
    values = [str(part) for item in settings.items() for part in item]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", values)


# pragma: no mutate end


def recent_matches(query, before, limit):
    """Matches among the newest RECENT published entries: an index walk of RECENT rows at
    most."""
    published = Entry.objects.published()
    oldest = published.values_list("publish_at", flat=True)[RECENT - 1 : RECENT]
    matches = Entry.objects.published(before=before).for_pages("plain_text")
    matches = matches.filter(contains(query))
    if oldest:
        matches = matches.filter(publish_at__gte=oldest[0])
    return list(matches[:limit])


@contextlib.contextmanager
def time_limit(connection):
    """Have the database stop the queries inside after TIME_LIMIT seconds (Stopped)."""
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic(using=connection.alias):
                with connection.cursor() as cursor:
                    milliseconds = max(1, round(TIME_LIMIT * 1000))  # 0 would mean no limit
                    cursor.execute("SET LOCAL statement_timeout = %s", [milliseconds])
                yield
                # A search only reads. Rolling back also undoes its SET LOCALs when it runs
                # inside a caller's transaction (a test's), where a commit would keep them.
                transaction.set_rollback(True, using=connection.alias)
        else:
            connection.ensure_connection()
            deadline = time.monotonic() + TIME_LIMIT
            connection.connection.set_progress_handler(lambda: time.monotonic() > deadline, 1000)
            try:
                yield
            finally:
                connection.connection.set_progress_handler(None, 0)
    except OperationalError as error:
        if "interrupt" in str(error) or "statement timeout" in str(error):
            raise Stopped(str(error)) from error
        raise


def mark(entries, query):
    """Wrap each match of `query` in the entries' titles and texts in <mark>, case as
    written: `entry.marked_title`, and `entry.marked_text` (the text, or for a long one a
    snippet around the first match, `entry.snippet` then true)."""
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    for entry in entries:
        entry.marked_title = mark_safe(mark_text(entry.title, pattern))
        entry.snippet = len(entry.plain_text) > LONG_TEXT
        if entry.snippet:
            entry.marked_text = mark_safe(snippet(entry.plain_text, pattern))
        else:
            entry.marked_text = mark_safe(mark_html(entry.html, pattern))
    return entries


def mark_text(text, pattern):
    """Plain text, escaped, with <mark> around each match."""
    pieces, end = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[end : match.start()]), f"<mark>{escape(match[0])}</mark>"]
        end = match.end()
    return "".join(pieces) + escape(text[end:])


def mark_html(sanitized, pattern):
    """Sanitized HTML with <mark> around each match inside its text, never inside a tag.
    (A match across tags, such as "bold text" in "<b>bold</b> text", is found, not marked.)"""
    pieces, end = [], 0
    for tag in TAG.finditer(sanitized):
        pieces += [mark_text(html.unescape(sanitized[end : tag.start()]), pattern), tag[0]]
        end = tag.end()
    return "".join(pieces) + mark_text(html.unescape(sanitized[end:]), pattern)


def snippet(plain, pattern):
    """The words around the first match of a long plain text, marked."""
    match = pattern.search(plain)
    start = max(0, match.start() - SNIPPET_BEFORE) if match else 0
    end = min(len(plain), (match.end() if match else 0) + SNIPPET_AFTER)
    text = re.sub(r"\s+", " ", plain[start:end])  # One line: paragraph breaks as spaces.
    return f"{'…' if start else ''}{mark_text(text, pattern)}{'…' if end < len(plain) else ''}"
