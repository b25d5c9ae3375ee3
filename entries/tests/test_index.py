"""GET /: the entries, newest first, twenty a page."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entries.caching import blog_changed
from entries.models import Entry
from entries.tests.helpers import (
    create_admin,
    create_entry,
    create_user,
    next_link,
    page_queries,
    titles,
)


def create_entries(count):
    """Entries "Entry 1" (oldest) to "Entry N" (newest), a minute apart."""
    start = timezone.now() - timedelta(days=1)
    return Entry.objects.bulk_create(
        Entry(title=f"Entry {n}", text=f"Text {n}", publish_at=start + timedelta(minutes=n))
        for n in range(1, count + 1)
    )


class IndexTests(TestCase):
    def test_an_empty_blog_says_so(self):
        response = self.client.get("/")
        self.assertContains(response, "No entries yet. Add some!")
        self.assertContains(response, "<title>Flaskr</title>")
        self.assertIsNone(next_link(response))

    def test_entries_are_listed_newest_first(self):
        create_entries(3)
        self.assertEqual(titles(self.client.get("/")), ["Entry 3", "Entry 2", "Entry 1"])

    def test_entries_made_in_the_same_instant_are_newest_id_first(self):
        now = timezone.now()
        first = create_entry("First", publish_at=now)
        second = create_entry("Second", publish_at=now)
        self.assertGreater(second.pk, first.pk)
        self.assertEqual(titles(self.client.get("/")), ["Second", "First"])

    def test_a_backdated_entry_goes_where_its_date_says(self):
        """The admin can set any date: the order is by date, not by when a row was added."""
        create_entries(2)
        create_entry("Backdated", publish_at=timezone.now() - timedelta(days=30))
        self.assertEqual(titles(self.client.get("/")), ["Entry 2", "Entry 1", "Backdated"])

    def test_each_entry_has_its_markup(self):
        author = create_user("alice", "pw")
        entry = create_entry("<Hello>", "<em>hi</em>", author=author)
        response = self.client.get("/")
        self.assertContains(response, f'<li class="entry" data-id="{entry.pk}">')
        url = f"/entries/{entry.pk}-hello/"
        self.assertContains(response, f'<h2><a href="{url}">&lt;Hello&gt;</a></h2>')
        self.assertContains(response, "<em>hi</em>")
        self.assertContains(response, "by alice")
        stamp = timezone.localtime(entry.publish_at).strftime("%Y-%m-%dT%H:%M:%S+0000")
        self.assertContains(response, f'<time datetime="{stamp}">')
        self.assertNotContains(response, "No entries yet")

    @override_settings(TIME_ZONE="America/New_York")
    def test_times_are_shown_in_the_sites_time_zone(self):
        publish_at = datetime(2026, 3, 5, 14, 7, 9, tzinfo=UTC)
        create_entry("Dated", publish_at=publish_at)
        self.assertContains(
            self.client.get("/"),
            '<time datetime="2026-03-05T09:07:09-0500">5 March 2026, 09:07</time>',
            html=True,
        )

    def test_an_entry_whose_author_was_deleted_is_kept(self):
        author = create_user("bob", "pw")
        entry = create_entry("Orphan", author=author)
        author.delete()
        entry.refresh_from_db()
        self.assertIsNone(entry.author)
        self.assertContains(self.client.get("/"), "by a former user")

    def test_twenty_entries_fit_on_one_page(self):
        create_entries(20)
        response = self.client.get("/")
        self.assertEqual(len(titles(response)), 20)
        self.assertIsNone(next_link(response))

    def test_older_entries_are_on_the_next_pages(self):
        create_entries(45)
        first = self.client.get("/")
        self.assertEqual(titles(first), [f"Entry {n}" for n in range(45, 25, -1)])
        second = self.client.get("/" + next_link(first))
        self.assertEqual(titles(second), [f"Entry {n}" for n in range(25, 5, -1)])
        third = self.client.get("/" + next_link(second))
        self.assertEqual(titles(third), [f"Entry {n}" for n in range(5, 0, -1)])
        self.assertIsNone(next_link(third))

    def test_a_new_entry_does_not_shift_the_next_page(self):
        """Keyset pages: posting while someone reads page 2 neither repeats nor skips entries."""
        create_entries(25)
        link = next_link(self.client.get("/"))
        create_entry("Brand new")
        self.assertEqual(titles(self.client.get("/" + link))[0], "Entry 5")

    def test_an_older_entry_added_later_is_on_its_page(self):
        """A backdated entry has the highest id but belongs after the first page."""
        create_entries(20)
        create_entry("Backdated", publish_at=timezone.now() - timedelta(days=30))
        second = self.client.get("/" + next_link(self.client.get("/")))
        self.assertEqual(titles(second), ["Backdated"])

    def test_entries_of_one_instant_split_across_pages_neither_repeat_nor_vanish(self):
        now = timezone.now()
        Entry.objects.bulk_create(
            Entry(title=f"Entry {n}", text="t", publish_at=now) for n in range(1, 26)
        )
        first = self.client.get("/")
        second = self.client.get("/" + next_link(first))
        self.assertEqual(titles(first) + titles(second), [f"Entry {n}" for n in range(25, 0, -1)])

    @override_settings(TIME_ZONE="America/New_York")
    def test_page_links_work_in_any_time_zone(self):
        create_entries(45)
        second = self.client.get("/" + next_link(self.client.get("/")))
        self.assertEqual(titles(second), [f"Entry {n}" for n in range(25, 5, -1)])

    def test_a_broken_page_link_is_a_bad_request(self):
        for cursor in ["nonsense", "20260101T000000000000-x", "1-2-3", "99999999T000000000000-1"]:
            with self.subTest(cursor=cursor), self.assertLogs("django.request", "WARNING") as logs:
                response = self.client.get("/", {"before": cursor})
                self.assertEqual(response.status_code, 400)
            self.assertEqual(logs.records[0].getMessage(), "That page link is broken.: /")

    def test_a_page_is_one_indexed_query_without_count_or_offset(self):
        """Even when the page is not in the cache: one query of the entries (and one of
        their tags), no COUNT(*), and only the columns the page shows (not the search's
        copy of each text nor the source, not the authors' password hashes)."""
        author = create_user()
        create_entries(30)
        Entry.objects.update(author=author)
        for url in ["/", "/?" + next_link(self.client.get("/"))[1:]]:
            blog_changed()  # A new version: the page is not in the cache.
            with self.subTest(url=url), CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            sql = page_queries(queries)
            self.assertEqual(len(sql), 2)  # the authors come in the same query, then the tags
            self.assertIn('JOIN "auth_user"', sql[0])
            self.assertIn('"entries_tagging"', sql[1])
            for query in sql:
                self.assertNotIn("COUNT(", query.upper())
                self.assertNotIn("OFFSET", query.upper())
            self.assertNotIn("plain_text", sql[0])
            self.assertNotIn('"entries_entry"."text"', sql[0])
            self.assertNotIn("password", sql[0])

    def test_a_logged_in_page_costs_the_same_queries_with_two_entries_or_twenty(self):
        """Who may edit or delete each entry is known without a query per entry."""
        author = create_user()
        self.client.force_login(author)
        counts = []
        for count in [2, 20]:
            Entry.objects.all().delete()
            create_entries(count)
            Entry.objects.update(author=author)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get("/")
            self.assertEqual(len(titles(response)), count)
            self.assertContains(response, 'class="edit"', count=count)
            counts.append(len(page_queries(queries)))
        self.assertEqual(counts[0], counts[1])

    def test_the_add_form_is_shown_only_when_logged_in(self):
        self.assertNotContains(self.client.get("/"), 'action="/add"')
        self.client.force_login(create_admin())
        response = self.client.get("/")
        self.assertContains(response, '<form action="/add" method="post"')
        self.assertContains(response, 'name="title"')
        self.assertContains(response, 'name="text"')

    def test_a_post_is_not_allowed(self):
        self.assertEqual(self.client.post("/").status_code, 405)


class EntryPageTests(TestCase):
    def test_it_shows_the_entry_alone(self):
        entry = create_entry("Only me", "<strong>bold</strong>")
        other = create_entry("Someone else")
        response = self.client.get(entry.get_absolute_url())
        self.assertContains(response, f'<li class="entry" data-id="{entry.pk}">')
        self.assertContains(response, "<strong>bold</strong>")
        self.assertNotContains(response, f'data-id="{other.pk}"')

    def test_an_unknown_entry_is_404(self):
        self.assertEqual(self.client.get("/entries/999/").status_code, 404)
