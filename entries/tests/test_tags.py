"""Tags: comma-separated on the forms, one tag per name in any case and any language, each
with its page, its feed and its place on /tags/; a renamed tag's old address follows."""

from datetime import timedelta

import feedparser
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entries.models import Entry, Tag
from entries.tests.helpers import admin_form, create_admin, create_entry, next_link, titles


class WritingTagsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = create_admin()

    def setUp(self):
        self.client.force_login(self.admin)

    def post(self, tags, title="Tagged"):
        return self.client.post("/add", {"title": title, "text": "t", "tags": tags})

    def test_tags_are_comma_separated_and_blank_ones_ignored(self):
        self.assertRedirects(self.post(" django ,, testing  tools , ,"), "/")
        entry = Entry.objects.get()
        self.assertEqual(sorted(t.name for t in entry.tags.all()), ["django", "testing tools"])

    def test_names_are_one_tag_in_any_case_shown_as_first_written(self):
        self.post("Django")
        self.post("django, DJANGO", title="Again")
        self.assertEqual(list(Tag.objects.values_list("name", flat=True)), ["Django"])
        self.assertEqual(Tag.objects.get().entries.count(), 2)

    def test_any_language_works(self):
        self.post("content περιεχόμενο, Straße, STRASSE, 日本語, עברית")
        names = sorted(Tag.objects.values_list("name", flat=True))
        self.assertEqual(names, sorted(["content περιεχόμενο", "Straße", "日本語", "עברית"]))
        page = self.client_class().get("/tags/content-περιεχόμενο/")
        self.assertContains(page, "content περιεχόμενο")

    def test_hostile_names_are_text(self):
        self.post('<script>alert(1)</script>, "quoted", \u202eRTL')
        listing = self.client_class().get("/tags/")
        self.assertNotContains(listing, "<script>alert")
        self.assertContains(listing, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(listing, "&quot;quoted&quot;")
        self.assertContains(self.client_class().get("/"), "\u202eRTL")

    def test_a_name_of_10000_characters_is_a_400(self):
        response = self.post("ok, " + "x" * 10_000)
        self.assertContains(response, "A tag is at most 50 characters", status_code=400)
        self.assertFalse(Entry.objects.exists())
        self.assertFalse(Tag.objects.exists())

    def test_more_than_100_tags_is_a_400(self):
        self.assertRedirects(self.post(",".join(f"t{n}" for n in range(100))), "/")
        response = self.post(",".join(f"t{n}" for n in range(101)), title="Too many")
        self.assertContains(response, "At most 100 tags, not 101.", status_code=400)

    def test_names_without_letters_get_a_slug_of_their_own(self):
        self.post("C++, C#, !!!, ...")
        slugs = sorted(Tag.objects.values_list("slug", flat=True))
        self.assertEqual(slugs, ["c", "c-2", "tag", "tag-2"])

    def test_the_edit_form_shows_the_tags_and_an_edit_replaces_them(self):
        self.post("one, two")
        entry = Entry.objects.get()
        url = f"/entries/{entry.pk}/edit/"
        self.assertContains(self.client.get(url), 'value="one, two"')
        self.client.post(url, {"title": "Tagged", "text": "t", "tags": "two, three"})
        self.assertEqual(sorted(t.name for t in entry.tags.all()), ["three", "two"])
        self.assertEqual(self.client_class().get("/tags/one/").status_code, 404)

    def test_tags_in_the_admin(self):
        response = self.client.post("/admin/entries/entry/add/", admin_form(
            title="From the admin", text="t", tags="Admin, Made"))  # fmt: skip
        self.assertRedirects(response, "/admin/entries/entry/")
        entry = Entry.objects.get()
        self.assertEqual(sorted(t.name for t in entry.tags.all()), ["Admin", "Made"])


class TagPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=10)
        Entry.objects.bulk_create(
            Entry(title=f"Entry {n}", text="t", publish_at=start + timedelta(hours=n))
            for n in range(45)
        )
        for entry in Entry.objects.all():
            entry.set_tags(["every"] if entry.pk % 2 else ["every", "Odd One"])

    def test_each_entry_links_its_tags(self):
        page = self.client.get("/")
        self.assertContains(page, '<a rel="tag" href="/tags/every/">every</a>')
        self.assertContains(page, '<a rel="tag" href="/tags/odd-one/">Odd One</a>')

    def test_a_tag_page_lists_its_entries_newest_first_and_pages_like_the_index(self):
        response = self.client.get("/tags/odd-one/")
        self.assertContains(response, "<title>Odd One · Flaskr</title>")
        self.assertContains(response, "Odd One</h2>")
        found = titles(response)
        while next_link(response):
            response = self.client.get("/tags/odd-one/" + next_link(response))
            found += titles(response)
        expected = [e.title for e in Entry.objects.published() if e.pk % 2 == 0]
        self.assertEqual(found, expected)
        self.assertIn(len(found), [22, 23])  # Half of 45, whichever the first id.

    def test_a_tag_page_is_one_indexed_query_at_any_depth(self):
        url = "/tags/every/"
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            sql = [query["sql"] for query in queries if "entries_tagging" in query["sql"]]
            self.assertEqual(len(sql), 2)  # the page's entries, then their tags
            # One walk of the tag's taggings: no subquery over them (one read half of them).
            self.assertEqual(sql[0].upper().count("SELECT"), 1)
            self.assertNotIn("OFFSET", " ".join(sql).upper())
            self.assertNotIn("COUNT(", " ".join(sql).upper())
            url = "/tags/every/" + next_link(response)

    def test_tags_lists_each_with_how_many_in_alphabetical_order(self):
        page = self.client.get("/tags/").content.decode()
        every = page.index('href="/tags/every/"')
        odd = page.index('href="/tags/odd-one/"')
        self.assertLess(every, odd)
        self.assertIn('<a rel="tag" href="/tags/every/">every</a> <span class="count">(45)', page)
        odd = sum(1 for pk in Entry.objects.values_list("pk", flat=True) if pk % 2 == 0)
        self.assertIn(f'Odd One</a> <span class="count">({odd})', page)

    def test_a_tag_feed_holds_its_entries_and_their_categories(self):
        feed = feedparser.parse(self.client.get("/tags/odd-one/feed/").content)
        self.assertFalse(feed.bozo)
        self.assertEqual(len(feed.entries), 20)
        self.assertEqual(feed.feed.title, "Odd One · Flaskr")
        self.assertEqual(sorted(t.term for t in feed.entries[0].tags), ["Odd One", "every"])

    def test_unknown_tags_and_slugs_that_are_not_slugs_are_404(self):
        for slug in ["nope", "%3Cscript%3E", "a b", "..", "x" * 500, "%00"]:
            for url in [f"/tags/{slug}/", f"/tags/{slug}/feed/"]:
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_renamed_tags_old_address_answers_301(self):
        tag = Tag.objects.get(name="Odd One")
        tag.name = "Even ones"
        tag.save()
        self.assertRedirects(self.client.get("/tags/odd-one/"), "/tags/even-ones/", 301)
        self.assertRedirects(
            self.client.get("/tags/odd-one/feed/"), "/tags/even-ones/feed/", 301, 200
        )
        self.assertContains(self.client.get("/"), '<a rel="tag" href="/tags/even-ones/">')
        tag.name = "EVEN ONES"  # Only its case: the address stays.
        tag.save()
        self.assertEqual(tag.slug, "even-ones")

    def test_a_tag_is_renamed_in_the_admin(self):
        self.client.force_login(create_admin())
        tag = Tag.objects.get(name="Odd One")
        response = self.client.post(f"/admin/entries/tag/{tag.pk}/change/", {"name": "Renamed"})
        self.assertRedirects(response, "/admin/entries/tag/")
        self.client.logout()
        self.assertRedirects(self.client.get("/tags/odd-one/"), "/tags/renamed/", 301)

    def test_a_new_tag_may_take_a_renamed_ones_old_address(self):
        tag = Tag.objects.get(name="Odd One")
        tag.name = "Even ones"
        tag.save()
        entry = create_entry("New odd one")
        entry.set_tags(["odd one"])
        self.assertEqual(self.client.get("/tags/odd-one/").status_code, 200)
