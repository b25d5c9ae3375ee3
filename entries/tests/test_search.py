"""GET /search/?query=Q: entries whose title or text contains Q, through an index."""

from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entries import search
from entries.models import Entry
from entries.tests.helpers import create_entry, next_link, page_queries, titles

PLAIN = "ordinary words about nothing in particular"


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=10)
        Entry.objects.bulk_create(
            Entry(title=f"Filler {n}", text=PLAIN, publish_at=start + timedelta(minutes=n))
            for n in range(300)
        )
        create_entry("Walrus in the title", PLAIN)
        create_entry("Plain title", "a <em>walrus</em> in the text")
        create_entry("WALRUS both", "and walrus again")
        create_entry("Grüße aus Zürich", "Straße über den Fluss")
        create_entry("Percent", '100% sure, snake_case and a "quoted" word')

    def search(self, query, **params):
        return self.client.get("/search/", {"query": query, **params})

    def test_without_a_query_it_shows_the_form_alone(self):
        response = self.client.get("/search/")
        self.assertContains(response, '<input type="search" name="query"')
        self.assertContains(response, '<label for="id_query"')
        self.assertNotContains(response, 'class="entries"')

    def test_it_finds_matches_in_the_title_the_text_or_both_newest_first(self):
        response = self.search("walrus")
        self.assertEqual(titles(response), ["WALRUS both", "Plain title", "Walrus in the title"])

    def test_it_ignores_case(self):
        self.assertEqual(len(titles(self.search("WaLrUs"))), 3)

    def test_it_finds_non_ascii_text_in_any_case(self):
        self.assertEqual(titles(self.search("GRÜSSE".replace("SS", "ß"))), ["Grüße aus Zürich"])
        self.assertEqual(titles(self.search("ÜBER")), ["Grüße aus Zürich"])
        self.assertEqual(titles(self.search("ZÜR")), ["Grüße aus Zürich"])  # 3: the shortest

    def test_it_matches_substrings(self):
        self.assertEqual(len(titles(self.search("alru"))), 3)

    def test_it_shows_the_query_back_in_the_box_escaped(self):
        response = self.search('"><b>x</b>')
        self.assertContains(response, 'value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"')
        self.assertNotContains(response, '"><b>x</b>')

    def test_no_match_says_so(self):
        response = self.search("zebra")
        self.assertContains(response, "No entries match")
        self.assertEqual(titles(response), [])

    def test_sql_fts_syntax_and_wildcards_are_just_text(self):
        queries = [
            "' OR 1=1 --", '"', '""', "*", "walrus*", "NEAR(a b)", "a AND b", "OR", "NOT x",
            "100%", "snake_case", "_", "%%%", "\\", "'; DROP TABLE entries_entry; --",
            "x" * search.MAX_QUERY_LENGTH, "(", ")", "^", ":", "title:walrus", "{a b}",
        ]  # fmt: skip
        for query in queries:
            with self.subTest(query=query[:20]):
                response = self.search(query)
                self.assertEqual(response.status_code, 200)
        self.assertEqual(titles(self.search("100%")), ["Percent"])
        self.assertEqual(titles(self.search("snake_case")), ["Percent"])
        self.assertEqual(titles(self.search('"quoted"')), ["Percent"])
        self.assertEqual(titles(self.search("walrus*")), [])
        self.assertEqual(Entry.objects.count(), 305)

    def test_a_nul_byte_is_a_clear_400(self):
        response = self.search("a\x00b")
        self.assertContains(response, "Null characters are not allowed", status_code=400)

    def test_hostile_queries_get_the_sites_own_page(self):
        for query in ["<script>alert(1)</script>", "%", "_", "'\"", "\u202eevil", "שלום",
                      "🦭🦭", "👩‍👩‍👧", "\u200b", "&amp;", "<b>"]:  # fmt: skip
            with self.subTest(query=query):
                response = self.search(query)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<form action="/search/"')
                self.assertNotContains(response, "<script>alert(1)")
        response = self.search("x" * 10_000)
        self.assertContains(response, "at most 100 characters", status_code=400)

    def test_results_are_paginated_like_the_index_keeping_the_query(self):
        first = self.search("ordinary")
        self.assertEqual(len(titles(first)), 20)
        self.assertIn("query=ordinary", next_link(first))
        second = self.client.get("/search/" + next_link(first))
        self.assertEqual(len(titles(second)), 20)
        self.assertFalse(set(titles(first)) & set(titles(second)))

    def test_every_page_links_to_search(self):
        self.assertContains(self.client.get("/"), 'href="/search/"')

    @mock.patch("entries.search.WALK", 0)  # The index's answers, not the walk's.
    def test_the_index_follows_edits_saved_and_edits_in_bulk(self):
        """An import or an admin action updates rows without Entry.save()."""
        entry = create_entry("Capybara", PLAIN)
        entry.title = "Okapi"
        entry.save()
        self.assertEqual(titles(self.search("capybara")), [])
        self.assertEqual(titles(self.search("OKAPI")), ["Okapi"])
        Entry.objects.filter(pk=entry.pk).update(title="Quokka", plain_text="A marsupial.")
        self.assertEqual(titles(self.search("okapi")), [])
        self.assertEqual(titles(self.search("Marsupial")), ["Quokka"])
        self.assertEqual(titles(self.search("QUOKKA")), ["Quokka"])

    def test_the_index_follows_adds_edits_and_deletes(self):
        entry = create_entry("Capybara", PLAIN)
        self.assertEqual(titles(self.search("capybara")), ["Capybara"])
        entry.title = "Okapi"
        entry.save()
        self.assertEqual(titles(self.search("capybara")), [])
        self.assertEqual(titles(self.search("okapi")), ["Okapi"])
        entry.delete()
        self.assertEqual(titles(self.search("okapi")), [])


class SmallBlogTests(TestCase):
    def test_non_ascii_text_is_found_in_any_case_on_a_small_blog(self):
        """Fewer entries than WALK: the walk reads them all and its answer is the page, so it
        must not be asked what SQLite's LIKE cannot answer (it folds ASCII letters only)."""
        create_entry("Grüße aus Zürich", "Straße über den Fluss")
        response = self.client.get("/search/", {"query": "ÜBER"})
        self.assertEqual(titles(response), ["Grüße aus Zürich"])


class QueryLengthTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_entry("A" * 200, "long title")

    def test_a_query_of_the_maximum_length_is_searched(self):
        response = self.client.get("/search/", {"query": "a" * search.MAX_QUERY_LENGTH})
        self.assertEqual(titles(response), ["A" * 200])

    def test_a_longer_query_is_a_400_with_the_form_the_error_and_the_query_kept(self):
        query = "é" * (search.MAX_QUERY_LENGTH + 1)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/search/", {"query": query})
        self.assertContains(response, "at most 100 characters (it has 101)", status_code=400)
        self.assertContains(response, f'value="{query}"', status_code=400)
        self.assertContains(response, 'maxlength="100"', status_code=400)
        self.assertEqual(page_queries(queries), [], "nothing is searched")


@mock.patch.object(search, "WALK", 0)  # The index's answers, not the walk's.
class LongQueryTests(TestCase):
    """A long query is a phrase like any other: found whole, in any case, never by a part."""

    @classmethod
    def setUpTestData(cls):
        # Written first, dated first: the two oldest hold "ab" ten times, the ten newest nine.
        create_entry("Old 1", "ab" * 10, publish_at=timezone.now() - timedelta(days=30))
        create_entry("Old 2", "ab" * 10, publish_at=timezone.now() - timedelta(days=31))
        start = timezone.now() - timedelta(days=10)
        Entry.objects.bulk_create(
            Entry(title=f"Echo {n}", text=f"{'ab' * 9} {n}", publish_at=start + timedelta(hours=n))
            for n in range(10)
        )
        create_entry("Lake", "The walrus ate a clam at noon by the lake.")
        create_entry("Sea", "The walrus ate a clam at noon by the sea.")

    def test_a_long_query_is_found_whole_and_in_any_case(self):
        response = self.client.get("/search/", {"query": "WALRUS ATE A CLAM AT NOON BY THE SEA"})
        self.assertEqual(titles(response), ["Sea"])
        self.assertContains(response, "<mark>walrus ate a clam at noon by the sea</mark>")

    def test_a_long_query_that_only_a_part_of_matches_finds_nothing(self):
        near_misses = [
            "A walrus ate a clam at noon by the sea",
            "The walrus ate a clam at dawn by the sea",
        ]
        for query in near_misses:
            with self.subTest(query=query):
                self.assertEqual(titles(self.client.get("/search/", {"query": query})), [])

    def test_old_matches_are_found_behind_many_newer_entries_holding_most_of_the_query(self):
        """Every part of the query of 20 characters is in all twelve entries, the whole only in
        the two oldest."""
        with mock.patch.object(search, "MAX_MATCHES", 5):
            response = self.client.get("/search/", {"query": "ab" * 10})
        self.assertEqual(titles(response), ["Old 1", "Old 2"])
        self.assertNotContains(response, "More than")

    def test_a_long_common_query_shows_the_newest_matches_and_says_there_are_more(self):
        with mock.patch.object(search, "MAX_MATCHES", 5):
            response = self.client.get("/search/", {"query": "ABABABABABABABABAB"})
        self.assertEqual(titles(response), [f"Echo {n}" for n in range(9, 4, -1)])
        self.assertContains(response, "More than 5 entries match")

    def test_a_long_query_pages_like_the_index(self):
        query = {"query": "ABABABABABABABABAB"}
        with mock.patch("entries.views.PAGE_SIZE", 5):
            response = self.client.get("/search/", query)
            found = titles(response)
            for _ in range(3):  # Three pages, then none.
                response = self.client.get("/search/" + next_link(response))
                found += titles(response)
                if not next_link(response):
                    break
        self.assertEqual(found, [f"Echo {n}" for n in range(9, -1, -1)] + ["Old 1", "Old 2"])

    def test_a_long_query_in_a_title_alone_is_found(self):
        create_entry("The narwhal sang at dawn", "Nothing of it here.")
        response = self.client.get("/search/", {"query": "narwhal sang at dawn"})
        self.assertEqual(titles(response), ["The narwhal sang at dawn"])

    def test_exactly_max_matches_are_all_shown_and_no_more_are_said_to_match(self):
        with mock.patch.object(search, "MAX_MATCHES", 12):
            response = self.client.get("/search/", {"query": "ABABABABABABABABAB"})
        self.assertEqual(len(titles(response)), 12)
        self.assertNotContains(response, "More than")

    def test_quotes_in_a_long_query_are_just_text(self):
        create_entry("Quoted", 'The sign said "closed at noon" today.')
        response = self.client.get("/search/", {"query": 'said "closed at noon"'})
        self.assertEqual(titles(response), ["Quoted"])


class ShortQueryTests(TestCase):
    """One or two characters: no trigram index can serve them; the newest entries can."""

    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=10)
        Entry.objects.bulk_create(
            Entry(title=f"Old {n}", text="Go", publish_at=start + timedelta(minutes=n))
            for n in range(40)
        )
        create_entry("Learning Go", "A language.")
        create_entry("Nothing", "to see")

    def test_go_finds_learning_go_and_says_where_it_looked(self):
        with mock.patch.object(search, "RECENT", 10):
            response = self.client.get("/search/", {"query": "go"})
        self.assertEqual(titles(response)[0], "Learning Go")
        self.assertContains(response, "<mark>Go</mark>")
        self.assertContains(response, "looks in the newest 10 entries only")

    def test_only_the_newest_entries_are_looked_at(self):
        with mock.patch.object(search, "RECENT", 10):
            found = titles(self.client.get("/search/", {"query": "go"}))
        self.assertEqual(found, ["Learning Go"] + [f"Old {n}" for n in range(39, 31, -1)])

    def test_short_results_are_paginated(self):
        first = self.client.get("/search/", {"query": "Go"})
        self.assertEqual(len(titles(first)), 20)
        second = self.client.get("/search/" + next_link(first))
        self.assertEqual(titles(second)[0], "Old 20")


class VisibleTextTests(TestCase):
    """Search matches what a reader sees of the text, not its markup."""

    @classmethod
    def setUpTestData(cls):
        create_entry(
            "Markup",
            '<p><strong>Bold</strong> claims, <a href="https://x.example/?q=needle" title="hint">'
            "a link</a> and fish &amp; chips.</p><p>Second paragraph.</p>",
        )

    def search(self, query):
        return titles(self.client.get("/search/", {"query": query}))

    def test_tag_names_attributes_and_urls_find_nothing(self):
        for query in ["strong", "href", "title", "x.example", "needle", "hint", "<p>", "amp;"]:
            with self.subTest(query=query):
                self.assertEqual(self.search(query), [])

    def test_the_words_a_reader_sees_are_found(self):
        for query in ["bold claims", "a link", "fish & chips", "second paragraph"]:
            with self.subTest(query=query):
                self.assertEqual(self.search(query), ["Markup"])

    def test_the_copy_follows_every_change(self):
        entry = Entry.objects.get()
        entry.text = "<em>Walrus</em> now"
        entry.save()
        self.assertEqual(self.search("walrus now"), ["Markup"])
        Entry.objects.update(text="<b>Okapi</b>")
        self.assertEqual(self.search("okapi"), ["Markup"])
        self.assertEqual(self.search("walrus"), [])


class HighlightTests(TestCase):
    def page(self, query):
        return self.client.get("/search/", {"query": query})

    def test_matches_in_the_title_and_text_are_marked_with_their_case(self):
        create_entry("Walrus and WALRUS", "<p>a <em>walrus</em> here, a Walrus there</p>")
        response = self.page("walrus")
        self.assertContains(response, "<mark>Walrus</mark> and <mark>WALRUS</mark></a></h2>")
        self.assertContains(
            response, "<p>a <em><mark>walrus</mark></em> here, a <mark>Walrus</mark> there</p>"
        )

    def test_marks_never_go_inside_a_tag(self):
        create_entry("Links", '<a href="https://mark.example/">a mark</a> and a <b>mark</b>')
        response = self.page("mark")
        self.assertContains(response, 'href="https://mark.example/"')
        self.assertContains(response, ">a <mark>mark</mark></a> and a <b><mark>mark</mark></b>")

    def test_a_query_that_looks_like_html_is_marked_as_text(self):
        create_entry("Use &lt;b&gt;", "write <code>&lt;b&gt;</code>, or fish &amp; chips")
        self.assertContains(self.page("<b>"), "<code><mark>&lt;b&gt;</mark></code>")
        self.assertContains(self.page("& chips"), "fish <mark>&amp; chips</mark>")
        self.assertNotContains(self.page("<b>"), "<mark><b>")

    def test_a_long_text_shows_a_snippet_around_the_first_match(self):
        text = "<p>" + "Filler words. " * 300 + "Here is the narwhal, at last. " + "More. " * 100
        entry = create_entry("Long", text + "</p>")
        response = self.page("narwhal")
        self.assertContains(response, "Here is the <mark>narwhal</mark>, at last.")
        self.assertContains(response, "…")
        self.assertNotContains(response, "Filler words. " * 20)
        link = f'<a href="{entry.get_absolute_url()}">Read the whole entry</a>'
        self.assertContains(response, link)

    def test_results_cost_the_same_queries_with_two_matches_or_twenty(self):
        """Snippets are made from what the search read, not from a query per entry."""
        counts = []
        for count in [2, 20]:
            Entry.objects.all().delete()
            for n in range(count):
                create_entry(f"Entry {n}", "words " * 100 + "needle" + " words" * 100)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get("/search/", {"query": "needle"})
            self.assertContains(response, "<mark>needle</mark>", count=count)
            counts.append(len(page_queries(queries)))
        self.assertEqual(counts[0], counts[1])

    def test_the_entry_page_and_the_index_are_not_marked(self):
        entry = create_entry("Walrus", "walrus")
        self.page("walrus")
        self.assertNotContains(self.client.get("/"), "<mark>")
        self.assertNotContains(self.client.get(entry.get_absolute_url()), "<mark>")


@mock.patch.object(search, "WALK", 0)  # The index's answer (a walk serves Über on PostgreSQL).
class ManyMatchesTests(TestCase):
    """More matches than MAX_MATCHES: the most recently written, newest first, paginated."""

    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=10)
        Entry.objects.bulk_create(
            Entry(title=f"Über {n}", text="a straße", publish_at=start + timedelta(minutes=n))
            for n in range(60)
        )
        create_entry("Newest, other words", "nothing here")

    def test_a_common_word_is_found_in_any_case_newest_first_and_paginated(self):
        with mock.patch.object(search, "MAX_MATCHES", 50):
            response = self.client.get("/search/", {"query": "ÜBER"})
            self.assertEqual(titles(response), [f"Über {n}" for n in range(59, 39, -1)])
            self.assertContains(response, "More than 50 entries match")
            second = self.client.get("/search/" + next_link(response))
            third = self.client.get("/search/" + next_link(second))
        self.assertEqual(titles(second)[0], "Über 39")
        self.assertEqual(titles(third), [f"Über {n}" for n in range(19, 9, -1)])
        self.assertIsNone(next_link(third))

    def test_exactly_the_cap_is_not_more_than_the_cap(self):
        with mock.patch.object(search, "MAX_MATCHES", 60):
            response = self.client.get("/search/", {"query": "über"})
        self.assertNotContains(response, "More than")

    def test_matches_are_ordered_by_their_date_not_by_when_they_were_added(self):
        """A writer can backdate an entry: search lists it where its date says, as / does; a
        scheduled one is not listed before its time."""
        create_entry("Über backdated", "a straße", publish_at=timezone.now() - timedelta(days=30))
        create_entry("Über future", "a straße", publish_at=timezone.now() + timedelta(days=1))
        create_entry("Über recent", "a straße", publish_at=timezone.now() - timedelta(minutes=1))
        found, url = [], "/search/?query=über"
        while url:
            response = self.client.get(url)
            found += titles(response)
            url = next_link(response) and "/search/" + next_link(response)
        self.assertEqual(found[:2], ["Über recent", "Über 59"])
        self.assertNotIn("Über future", found)
        self.assertEqual(found[-2:], ["Über 0", "Über backdated"])

    def test_entries_of_the_same_time_are_each_listed_once_across_pages(self):
        """Imported or seeded entries can share a time: pages follow (time, id), as / does."""
        same = timezone.now() - timedelta(days=20)
        Entry.objects.bulk_create(
            Entry(title=f"Twin {n}", text="a straße", publish_at=same) for n in range(45)
        )
        found, url = [], "/search/?query=twin"
        while url:
            response = self.client.get(url)
            found += titles(response)
            url = next_link(response) and "/search/" + next_link(response)
        self.assertEqual(found, [f"Twin {n}" for n in range(44, -1, -1)])

    def test_below_the_cap_nothing_is_said(self):
        response = self.client.get("/search/", {"query": "straße"})
        self.assertEqual(len(titles(response)), 20)
        self.assertNotContains(response, "More than")


class TimeLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Enough text before the word that even a fast search takes several milliseconds, on
        # either database (PostgreSQL's shortest statement_timeout is 1 ms).
        text = "<p>" + "Words about a tusk, and more of them. " * 150 + "A walrus.</p>"
        Entry.objects.bulk_create(Entry(title=f"Tusk {n}", text=text) for n in range(2000))

    def test_a_search_past_the_time_limit_is_stopped_with_a_message_not_an_error(self):
        with mock.patch.object(search, "TIME_LIMIT", 1e-4), self.assertLogs("entries", "WARNING"):
            response = self.client.get("/search/", {"query": "walrus"})
        self.assertContains(response, "The search was stopped")
        self.assertContains(response, '<form action="/search/"')

    def test_a_stopped_search_leaves_the_connection_usable(self):
        with mock.patch.object(search, "TIME_LIMIT", 1e-4), self.assertLogs("entries", "WARNING"):
            self.client.get("/search/", {"query": "walrus"})
        self.assertEqual(len(titles(self.client.get("/search/", {"query": "walrus"}))), 20)
        self.assertEqual(Entry.objects.count(), 2000)


class SearchIndexTests(TestCase):
    def test_sqlite_search_uses_the_fts5_trigram_table_on_the_visible_text(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite only")
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_entry_fts'")
            sql = cursor.fetchone()[0]
            self.assertIn("trigram", sql)
            self.assertIn("plain_text", sql)
            # Merged 4 segments at a time, FTS5's default: after many posts a long query still
            # costs half what it did with 8, and a post the same (migration 0010).
            cursor.execute("SELECT v FROM entries_entry_fts_config WHERE k = 'automerge'")
            self.assertEqual(cursor.fetchone(), (4,))

    def test_postgresql_search_uses_the_trigram_indexes(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'entries_entry_search' "
                "AND indexdef LIKE '%gin_trgm_ops%'"
            )
            definitions = " ".join(row[0] for row in cursor.fetchall())
            # On stored upper-case copies: a candidate is checked without folding its text
            # again, which was half the cost of a word in 5,000 old entries (migration 0013).
            self.assertIn("gin (title_upper gin_trgm_ops)", definitions)
            self.assertIn("gin (plain_text_upper gin_trgm_ops)", definitions)
            # On a near-empty table any plan is cheap; rule out the others to see that
            # the trigram indexes can serve the search's condition at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            matches = f"SELECT id FROM entries_entry_search AS copy WHERE {search.POSTGRESQL_MATCH}"
            cursor.execute(f"EXPLAIN {matches}", ["%walrus%"] * 2)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn("entries_entry_search_title_trgm", plan)
        self.assertIn("entries_entry_search_plain_text_trgm", plan)

    def test_postgresql_search_checks_its_candidates_in_narrow_rows(self):
        """A candidate the trigram indexes give is read again and checked: in a table of the
        copies and what a page is ordered by (about 500 bytes an entry), not in the entries'
        rows of four texts (1.9 KB), which made `fossil`'s 5,000 old candidates cost 12.5 ms
        of a 30 ms search at 100,000 entries, and every page of / read the copies too
        (migration 0015)."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description
            copies = {column.name for column in columns(cursor, "entries_entry_search")}
            entries = {column.name for column in columns(cursor, "entries_entry")}
        self.assertEqual(copies, {"id", "status", "publish_at", "title_upper", "plain_text_upper"})
        self.assertFalse(entries & {"title_upper", "plain_text_upper"})

    def test_postgresql_trigram_indexes_take_each_post_at_once(self):
        """No pending list that every search must read until a vacuum merges it: after 3,000
        posts it had made the longest query cost 8.4 ms instead of 3.3 (migration 0011)."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, reloptions FROM pg_class WHERE relname IN "
                "('entries_entry_search_title_trgm', 'entries_entry_search_plain_text_trgm')"
            )
            options = dict(cursor.fetchall())
        self.assertEqual(
            options,
            {
                "entries_entry_search_title_trgm": ["fastupdate=off"],
                "entries_entry_search_plain_text_trgm": ["fastupdate=off"],
            },
        )


class SearchFollowsEveryWriteTests(TestCase):
    """The index a search asks is kept by the database, whatever writes an entry: a form, an
    update in bulk, SQL of an operator's. More than WALK entries, so that the index is asked."""

    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=10)
        Entry.objects.bulk_create(
            Entry(title=f"Filler {n}", text=PLAIN, publish_at=start + timedelta(minutes=n))
            for n in range(search.WALK + 50)
        )
        cls.entry = create_entry("The narwhal", PLAIN)

    def found(self, query):
        return titles(self.client.get("/search/", {"query": query}))

    def test_an_edit_in_bulk_is_found_by_its_new_words_only(self):
        Entry.objects.filter(pk=self.entry.pk).update(title="The okapi", text="a quokka")
        self.assertEqual(self.found("okapi"), ["The okapi"])
        self.assertEqual(self.found("quokka"), ["The okapi"])
        self.assertEqual(self.found("narwhal"), [])

    def test_an_edit_in_sql_is_found(self):
        with connection.cursor() as cursor:
            sql = "UPDATE entries_entry SET plain_text = %s WHERE id = %s"
            cursor.execute(sql, ["a quokka", self.entry.pk])
        self.assertEqual(self.found("quokka"), ["The narwhal"])

    def test_an_entry_unpublished_or_scheduled_in_bulk_is_not_found(self):
        Entry.objects.filter(pk=self.entry.pk).update(status="draft")
        self.assertEqual(self.found("narwhal"), [])
        later = timezone.now() + timedelta(days=1)
        Entry.objects.filter(pk=self.entry.pk).update(status="published", publish_at=later)
        self.assertEqual(self.found("narwhal"), [])

    def test_a_deleted_entry_is_not_found_and_leaves_no_copy(self):
        Entry.objects.filter(pk=self.entry.pk).delete()
        self.assertEqual(self.found("narwhal"), [])
        self.assertEqual(search_copies(), Entry.objects.count())

    def test_emptied_entries_leave_no_copies(self):
        """TRUNCATE: an operator's, or Django's flush between tests, which fires no row's
        trigger (SQLite has no TRUNCATE)."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # The test's rows, checked now.
            cursor.execute("TRUNCATE entries_entry CASCADE")
        self.assertEqual(search_copies(), 0)


def search_copies():
    """How many entries the search's index holds copies of."""
    table = "entries_entry_search" if connection.vendor == "postgresql" else "entries_entry_fts"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


class SnippetTests(TestCase):
    """What a reader sees of a long text on the search page."""

    def test_the_snippet_is_the_words_around_the_first_match_paragraphs_joined(self):
        """80 characters before the match and 220 after, a paragraph break as a space."""
        text = f"<p>{'a' * 500}</p><p>{'b' * 40} Here is the narwhal. {'c' * 400}</p>"
        create_entry("Long", text)
        response = self.client.get("/search/", {"query": "narwhal"})
        before = "a" * 25 + " " + "b" * 40 + " Here is the "  # 80, with the break's 2
        self.assertContains(response, f"<p>…{before}<mark>narwhal</mark>. {'c' * 218}…</p>")

    def test_a_snippet_at_either_end_of_the_text_has_no_ellipsis_there(self):
        create_entry("Starts", "narwhal " + "a" * 700)
        create_entry("Ends", "b" * 700 + " narwhal")
        response = self.client.get("/search/", {"query": "narwhal"})
        self.assertContains(response, f"<p><mark>narwhal</mark> {'a' * 219}…</p>")
        self.assertContains(response, f"<p>…{'b' * 79} <mark>narwhal</mark></p>")

    def test_a_match_in_the_title_alone_shows_the_start_of_a_long_text(self):
        create_entry("The narwhal", "c" * 700)
        response = self.client.get("/search/", {"query": "narwhal"})
        self.assertContains(response, f"<p>{'c' * 220}…</p>")

    def test_a_text_of_600_visible_characters_is_shown_whole(self):
        create_entry("Just short enough", "walrus " + "x" * 593)
        response = self.client.get("/search/", {"query": "walrus"})
        self.assertContains(response, "<mark>walrus</mark> " + "x" * 593)
        self.assertNotContains(response, "Read the whole entry")

    def test_a_text_of_601_is_a_snippet(self):
        create_entry("Just too long", "walrus " + "x" * 594)
        self.assertContains(
            self.client.get("/search/", {"query": "walrus"}), "Read the whole entry"
        )

    def test_text_before_the_first_tag_is_kept_whole(self):
        create_entry("Plain start", "walrus first, then <em>more</em>")
        response = self.client.get("/search/", {"query": "walrus"})
        self.assertContains(response, "<mark>walrus</mark> first, then <em>more</em>")


class DenseMatchesTests(TestCase):
    """A query in a fifth of the entries or more is found by reading the entries in their
    order (search.WALK of them at a time), not by the index: every match is reachable, page
    after page, and the result is the index's."""

    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=30)
        Entry.objects.bulk_create(
            Entry(title=f"Entry {n}", text="a common word" if n % 3 else "other words",
                  publish_at=start + timedelta(minutes=n))
            for n in range(300)
        )  # fmt: skip

    def pages(self, query):
        found, url = [], f"/search/?query={query}"
        while url:
            response = self.client.get(url)
            self.assertNotContains(response, "More than")
            found += titles(response)
            url = next_link(response) and "/search/" + next_link(response)
        return found

    def test_every_match_is_reachable_newest_first(self):
        with mock.patch.object(search, "MAX_MATCHES", 50):
            found = self.pages("common")
        self.assertEqual(found, [f"Entry {n}" for n in range(299, -1, -1) if n % 3])

    def test_the_walk_finds_what_the_index_finds(self):
        walked = self.pages("COMMON")
        with mock.patch.object(search, "WALK", 0):
            indexed = self.pages("COMMON")
        self.assertEqual(walked, indexed)

    def test_a_sparse_query_is_found_behind_many_entries_without_it(self):
        create_entry("Needle here", "a rare needle", publish_at=timezone.now() - timedelta(days=40))
        self.assertEqual(self.pages("needle"), ["Needle here"])
