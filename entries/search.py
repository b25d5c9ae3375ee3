"""Search: which entries match a query, how each database finds them at a bounded cost, and
where the match is shown.

The rules (docs/reference.md says them to readers):
- A query matches an entry whose title, or whose text as a reader sees it (`plain_text`: no
  tags, no attributes, entities read), contains it, in any case, as typed: a phrase, in which
  `"`, `%`, `_` and search syntax are just text.
- A query is at most MAX_QUERY_LENGTH characters (longer: the form says so, nothing is
  searched).
- Only published entries are found, newest publication first, paginated like /.
- A query of SHORTEST_INDEXED_QUERY characters or more is first looked for in the next WALK
  published entries in order: when they hold a page of matches (a query in a fifth of the
  entries or more), that is the page, and every match is reachable page after page.
  Otherwise a trigram index is asked (SQLite: FTS5 with the trigram tokenizer; PostgreSQL:
  pg_trgm GIN indexes, range by range of the newest ids), which gives the MAX_MATCHES most
  recently written matches at most; those are shown newest first. On SQLite a query longer
  than PROBE_LENGTH is first looked for by a part of it, then checked whole.
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
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from entries.models import Entry, Status, after_key, published_q
from entries.text import TAG

# A phrase's cost grows with its length (each trigram is looked up in the index: about
# 35 microseconds on SQLite, so 6 ms at 200 characters); 100 holds a sentence.
MAX_QUERY_LENGTH = 100
# SQLite: a longer query is looked up by its PROBE_LENGTH characters most likely to be rare,
# then checked whole (14 trigram lookups, not up to 98: each costs more as posts add
# segments to the index).
PROBE_LENGTH = 16
SHORTEST_INDEXED_QUERY = 3
# How many published entries, in order, are read for a query before its index is asked.
WALK = 100
# The most recently written matches an indexed search sorts by date: its cost grows with
# them (a thousand took 2.7 ms of SQLite for a word in 1% of the entries, 500 took 1.6).
MAX_MATCHES = 200
RECENT = 1000
# PostgreSQL only: the first range of the newest ids its trigram indexes are asked about. A
# blog of fewer entries is one range, one statement: a second one, for a word in none of the
# newest 25,000 of 100,000 entries, cost as much as checking its 5,000 old matches.
FIRST_RANGE = 100_000
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
# The page among the MAX_MATCHES most recently written matches, and how many matched (up to
# MAX_MATCHES + 1). CROSS JOIN makes SQLite look each match up by its id: left to choose, it
# walked the index of every published entry instead. The ids and a count come back, not a
# thousand rows (docs/benchmarks.md).
SQLITE_PAGE = f"""
WITH written AS MATERIALIZED ({FTS_MATCHES}),
matches AS (SELECT rowid FROM written ORDER BY rowid DESC LIMIT %s)
SELECT entry.id, (SELECT count(*) FROM written)
FROM matches CROSS JOIN entries_entry AS entry ON entry.id = matches.rowid
WHERE entry.status = %s AND entry.publish_at <= %s {{after}}
ORDER BY entry.publish_at DESC, entry.id DESC LIMIT %s
"""
SQLITE_MATCHED = f"SELECT count(*) FROM ({FTS_MATCHES})"
# PostgreSQL: the narrow table of each entry's upper-case copies and what a page is ordered
# and filtered by (migration 0015), which the trigram indexes are on. An entry's copies match
# the LIKE pattern (upper-case, as Django's icontains makes it):
POSTGRESQL_MATCH = "(copy.title_upper LIKE UPPER(%s) OR copy.plain_text_upper LIKE UPPER(%s))"
# The newest matches in a range of ids (low, high], at most a number.
POSTGRESQL_RANGE = f"""
SELECT copy.id FROM entries_entry_search AS copy
WHERE {POSTGRESQL_MATCH} AND copy.id > %s AND copy.id <= %s
ORDER BY copy.id DESC LIMIT %s
"""
# Shown entries ({shown}: published, after the cursor), newest publication first: the walk's,
# with whether each matches, and the page's, among the matches' ids.
POSTGRESQL_WALK = f"""
SELECT copy.id, {POSTGRESQL_MATCH} FROM entries_entry_search AS copy WHERE {{shown}}
ORDER BY copy.publish_at DESC, copy.id DESC LIMIT %s
"""
POSTGRESQL_PAGE = """
SELECT copy.id FROM entries_entry_search AS copy WHERE copy.id = ANY(%s) AND {shown}
ORDER BY copy.publish_at DESC, copy.id DESC LIMIT %s
"""


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
        ids, capped = walked(query, before, limit), False
        if ids is None:
            ids, capped = candidates(query, before, limit)
    # The ids of the page, or on PostgreSQL the query that picks them, run inside this one.
    page = entries.filter(pk__in=ids).order_by("-publish_at", "-id")
    return Found(list(page), capped=capped)


def walked(query, before, limit):
    """The ids of the next `limit` matches after `before`, read from the next WALK published
    entries in their order, if those hold that many (a query in a fifth of the entries or
    more) or are the last ones; else None, and the trigram index is asked.

    A word in most entries is the everyday search, and the index serves it worst: it must
    give a thousand candidates to sort by date where a few dozen entries in order hold the
    page (docs/benchmarks.md). One statement gives each of those entries' id and whether it
    matches. SQLite's LIKE folds the case of ASCII letters only, so a query with other
    letters goes to the index, which folds them all. PostgreSQL reads the stored upper-case
    copies instead of folding each text again."""
    connection = connections[Entry.objects.db]
    if connection.vendor == "sqlite" and not query.isascii():
        return None
    # Run by `make test-postgres`, not by mutmut (see postgresql_page()).
    if connection.vendor == "postgresql":  # pragma: no mutate
        window = postgresql_walk(connection, query, before)  # pragma: no mutate
    else:
        # The database gives the flag as 0 or 1 whatever the output field says.
        matches = ExpressionWrapper(contains(query), BooleanField())  # pragma: no mutate
        window = list(Entry.objects.published(before=before).values_list("pk", matches)[:WALK])
    page = [pk for pk, match in window if match][:limit]
    if len(page) == limit or len(window) < WALK:
        return page
    return None


def contains(query):
    return Q(title__icontains=query) | Q(plain_text__icontains=query)


def candidates(query, before, limit):
    """The ids of the page (on PostgreSQL, the query that gives them, which find() runs inside
    its own): the first `limit` published matches after `before` in date order, among the
    MAX_MATCHES most recently written ones; and whether more matched than those."""
    connection = connections[Entry.objects.db]
    if connection.vendor != "sqlite":
        # Run by `make test-postgres`, not by mutmut (see below).
        return postgresql_page(connection, query, before, limit)  # pragma: no mutate
    # Which way a query goes changes what it costs, never what it finds: a query of
    # PROBE_LENGTH is its own probe, and the whole phrase finds what the probe's checked
    # matches hold whenever the probe is in fewer entries than were read.
    if len(query) > PROBE_LENGTH:  # pragma: no mutate
        found = probed_candidates(query, before)
    else:
        return sqlite_page(connection, query, before, limit)
    ids = [pk for pk, shown in found[:MAX_MATCHES] if shown][:limit]
    return ids, len(found) > MAX_MATCHES


def shown_condition(before):
    """Published, and after `before` when given."""
    return published_q() & after_key(before) if before else published_q()


def shown_flag(before):
    """Whether an entry is shown, as a flag the database gives for each candidate rather than
    a condition it filters them by: as a condition, SQLite walked the index of every
    published entry to find the candidates (20 ms at 100,000 entries) instead of looking
    them up by id."""
    # The database gives the flag as 0 or 1 whatever the output field says.
    return ExpressionWrapper(shown_condition(before), BooleanField())  # pragma: no mutate


def sqlite_page(connection, query, before, limit):
    """SQLite, a query of up to PROBE_LENGTH characters: the page in one statement."""
    phrase = '"' + query.replace('"', '""') + '"'
    adapt = connection.ops.adapt_datetimefield_value
    condition, parameters = "", []
    if before:
        # SQL's keywords are the same in any case.
        condition = (
            "AND (entry.publish_at < %s OR "  # pragma: no mutate
            "(entry.publish_at = %s AND entry.id < %s))"  # pragma: no mutate
        )
        parameters = [adapt(before[0]), adapt(before[0]), before[1]]
    sql = SQLITE_PAGE.format(after=condition)
    now = adapt(timezone.now())
    # One more than MAX_MATCHES tells that there are more; two more would tell it as well.
    values = [
        phrase,
        MAX_MATCHES + 1,  # pragma: no mutate
        MAX_MATCHES,
        Status.PUBLISHED,
        now,
        *parameters,
        limit,
    ]  # pragma: no mutate
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    if not rows:
        with connection.cursor() as cursor:
            cursor.execute(SQLITE_MATCHED, [phrase, MAX_MATCHES + 1])
            (matched,) = cursor.fetchone()
    else:
        matched = rows[0][1]
    return [pk for pk, _ in rows], matched > MAX_MATCHES


def probed_candidates(query, before):
    """SQLite, a longer query: the entries holding its probe hold all the matches: those that
    hold the whole query are kept, unless the probe was in more entries than were read."""
    shown = shown_flag(before)
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    probed = fts_matches(Entry.objects.all(), probe(query))
    rows = list(probed.values_list("id", shown, "title", "plain_text"))
    found = [(pk, flag) for pk, flag, *texts in rows if any(map(pattern.search, texts))]
    if len(rows) <= MAX_MATCHES or len(found) == len(rows):  # pragma: no mutate
        return found
    return list(fts_matches(Entry.objects.all(), query).values_list("id", shown))


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
def postgresql_page(connection, query, before, limit):
    """PostgreSQL: the query of the page's ids among the MAX_MATCHES most recently written
    matches, and whether more matched. Its trigram indexes cannot stop at the newest matches
    as FTS5 does, and each match they give is read and checked again in the table of copies:
    so they are asked for the matches in a range of the newest ids first, then in ranges
    four times as wide, until the ranges hold MAX_MATCHES + 1 matches or the whole table. A
    word in 1% of 1,000,000 entries is then checked in tens of thousands of rows, not all
    its 10,000 matches.

    (GIN's gin_fuzzy_search_limit, used before, drops items of each trigram's list at
    random: a word of several common trigrams then matched nothing.)"""
    # The trigram indexes' bitmaps, ANDed with the primary key's range where that saves more
    # than it costs: no table scan, and no walk of the primary key checking every row. The
    # pages are in memory, so one read at random costs about what one in order does: 1.1, the
    # usual figure for SSDs, not the default 4 of spinning disks. With 4, the planner built
    # the bitmap of 75,000 ids (5 ms) to spare no recheck at all (docs/benchmarks.md).
    high = plan(
        connection,
        "SELECT coalesce(max(id), 0) FROM entries_entry_search",
        enable_seqscan="off",
        enable_indexscan="off",
        random_page_cost=1.1,
    )
    pattern = like_pattern(connection, query)
    with connection.cursor() as cursor:
        matches, width = [], FIRST_RANGE
        while len(matches) <= MAX_MATCHES and high > 0:
            low = max(high - width, 0)
            cursor.execute(
                POSTGRESQL_RANGE, [pattern, pattern, low, high, MAX_MATCHES + 1 - len(matches)]
            )
            matches += [pk for (pk,) in cursor.fetchall()]
            high, width = low, width * 4
    shown, parameters = postgresql_shown(before)
    page = RawSQL(POSTGRESQL_PAGE.format(shown=shown), [matches[:MAX_MATCHES], *parameters, limit])
    return page, len(matches) > MAX_MATCHES


def postgresql_walk(connection, query, before):
    """PostgreSQL: walked()'s WALK entries, (id, whether it matches), read in the table of
    copies by its own index of the published order: the walk reads narrow rows and nothing
    else (through the entries' index and a copy looked up for each, twice the time)."""
    pattern = like_pattern(connection, query)
    shown, parameters = postgresql_shown(before)
    with connection.cursor() as cursor:
        cursor.execute(POSTGRESQL_WALK.format(shown=shown), [pattern, pattern, *parameters, WALK])
        return cursor.fetchall()


def postgresql_shown(before):
    """PostgreSQL: shown_condition(before) on the table of copies, as SQL and its values."""
    condition = "copy.status = %s AND copy.publish_at <= %s"
    parameters = [Status.PUBLISHED, timezone.now()]
    if before:
        # after_key()'s form: a range of publish_at, which the index serves.
        condition += " AND copy.publish_at <= %s AND (copy.publish_at < %s OR copy.id < %s)"
        parameters += [before[0], before[0], before[1]]
    return condition, parameters


def like_pattern(connection, query):
    """A LIKE pattern of `query` anywhere in a text, its wildcards escaped."""
    return f"%{connection.ops.prep_for_like_query(query)}%"


def plan(connection, scalar, **settings):
    """SET LOCAL PostgreSQL's planner settings for the rest of the search's transaction, in
    the statement that gives the value of the `scalar` query: a statement is planned whole
    before it runs, so that query is planned as before them, and costs no round trip."""
    calls = "".join(", set_config(%s, %s, true)" for _ in settings)
    values = [str(part) for item in settings.items() for part in item]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({scalar}){calls}", values)
        return cursor.fetchone()[0]


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
