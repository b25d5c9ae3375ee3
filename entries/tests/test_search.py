"""GET /search/?query=Q: entries whose title or text contains Q, through an index."""

from datetime import timedelta

from django.db import connection
from django.test import TestCase
from django.utils import timezone

from entries import search
from entries.models import Entry
from entries.search import COMMON_MATCHES
from entries.tests.helpers import create_entry, next_link, titles

PLAIN = "ordinary words about nothing in particular"


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=10)
        Entry.objects.bulk_create(
            Entry(title=f"Filler {n}", text=PLAIN, created_at=start + timedelta(minutes=n))
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

    def test_a_query_shorter_than_three_characters_scans_the_first_page(self):
        response = self.search("%")
        self.assertEqual(titles(response), ["Percent"])
        self.assertEqual(len(titles(self.search("Fi"))), 20)
        self.assertIsNone(next_link(self.search("Fi")))

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
            "x" * 2000, "(", ")", "^", ":", "title:walrus", "{a b}",
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

    def test_results_are_paginated_like_the_index_keeping_the_query(self):
        first = self.search("ordinary")
        self.assertEqual(len(titles(first)), 20)
        self.assertIn("query=ordinary", next_link(first))
        second = self.client.get("/search/" + next_link(first))
        self.assertEqual(len(titles(second)), 20)
        self.assertFalse(set(titles(first)) & set(titles(second)))

    def test_every_page_links_to_search(self):
        self.assertContains(self.client.get("/"), 'href="/search/"')

    def test_the_index_follows_adds_edits_and_deletes(self):
        entry = create_entry("Capybara", PLAIN)
        self.assertEqual(titles(self.search("capybara")), ["Capybara"])
        entry.title = "Okapi"
        entry.save()
        self.assertEqual(titles(self.search("capybara")), [])
        self.assertEqual(titles(self.search("okapi")), ["Okapi"])
        entry.delete()
        self.assertEqual(titles(self.search("okapi")), [])


class CommonWordTests(TestCase):
    """A word in thousands of entries (SQLite finds those by walking the newest-first index)
    gives the same answers as a rare one: any case, any script, newest first, paginated."""

    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=10)
        Entry.objects.bulk_create(
            Entry(title=f"Über {n}", text="a straße", created_at=start + timedelta(minutes=n))
            for n in range(COMMON_MATCHES + 30)
        )
        create_entry("Newest, other words", "nothing here")

    def test_a_common_word_is_found_in_any_case_newest_first(self):
        response = self.client.get("/search/", {"query": "ÜBER"})
        expected = [f"Über {n}" for n in range(COMMON_MATCHES + 29, COMMON_MATCHES + 9, -1)]
        self.assertEqual(titles(response), expected)
        second = self.client.get("/search/" + next_link(response))
        self.assertEqual(titles(second)[0], f"Über {COMMON_MATCHES + 9}")

    def test_a_common_word_in_the_text_is_found_too(self):
        self.assertEqual(len(titles(self.client.get("/search/", {"query": "STRAßE"}))), 20)

    def test_sqlite_checks_the_newest_entries_instead_of_sorting_every_match(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite only")
        self.assertNotIn(
            "entries_entry_fts", str(search.matching(Entry.objects.all(), "über").query)
        )
        self.assertIn(
            "entries_entry_fts", str(search.matching(Entry.objects.all(), "nothing").query)
        )


class SearchIndexTests(TestCase):
    def test_sqlite_search_uses_the_fts5_trigram_table(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite only")
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_entry_fts'")
            self.assertIn("trigram", cursor.fetchone()[0])
            # Merged 8 segments at a time, not FTS5's 4: cheaper posts (migration 0004).
            cursor.execute("SELECT v FROM entries_entry_fts_config WHERE k = 'automerge'")
            self.assertEqual(cursor.fetchone(), (8,))
        sql = str(search.matching(Entry.objects.all(), "walrus").query)
        self.assertIn("entries_entry_fts", sql)

    def test_postgresql_search_uses_the_trigram_indexes(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'entries_entry' "
                "AND indexdef LIKE '%gin_trgm_ops%'"
            )
            self.assertEqual(len(cursor.fetchall()), 2)
            # On a near-empty table any plan is cheap; rule out the others to see that
            # the trigram indexes can serve Django's icontains expression at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            sql, params = search.matching(Entry.objects.all(), "walrus").query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn("entries_entry_title_trgm", plan)
        self.assertIn("entries_entry_text_trgm", plan)
