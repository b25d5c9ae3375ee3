"""Readable permalinks: /entries/ID-SLUG/ is an entry's one canonical URL; every other
spelling of it answers 301 there, so old links keep working after a title changes."""

import re
from datetime import timedelta

import feedparser
from django.test import TestCase
from django.utils import timezone

from entries.models import cut_slug, entry_slug
from entries.tests.helpers import create_admin, create_entry


class SlugTests(TestCase):
    def test_the_slug_is_the_titles_in_any_script(self):
        self.assertEqual(entry_slug("Hello, World!"), "hello-world")
        self.assertEqual(entry_slug("Grüße aus Köln"), "grüße-aus-köln")
        self.assertEqual(entry_slug("content περιεχόμενο 世界"), "content-περιεχόμενο-世界")

    def test_it_is_cut_at_a_word_boundary_to_sixty_characters(self):
        title = "A title that goes on and on well past the sixty characters a slug may have"
        slug = entry_slug(title)
        self.assertEqual(slug, "a-title-that-goes-on-and-on-well-past-the-sixty-characters-a")
        self.assertLessEqual(len(slug), 60)
        self.assertEqual(cut_slug("x" * 70), "x" * 60)  # One long word: cut where it must be.
        self.assertEqual(cut_slug("a" * 60 + "-b"), "a" * 60)

    def test_a_title_with_no_letter_or_digit_has_none(self):
        entry = create_entry("!!! ??? ...")
        self.assertEqual(entry.slug, "")
        self.assertEqual(entry.get_absolute_url(), f"/entries/{entry.pk}/")
        self.assertEqual(self.client.get(entry.get_absolute_url()).status_code, 200)


class CanonicalUrlTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.entry = create_entry("Readable permalinks", "text")
        cls.url = f"/entries/{cls.entry.pk}-readable-permalinks/"

    def test_the_canonical_url_answers(self):
        self.assertEqual(self.entry.get_absolute_url(), self.url)
        self.assertContains(self.client.get(self.url), "Readable permalinks")

    def test_the_bare_id_and_any_other_slug_answer_301(self):
        for url in [f"/entries/{self.entry.pk}/", f"/entries/{self.entry.pk}-old-title/"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], self.url)

    def test_a_changed_title_moves_the_page_and_old_links_follow(self):
        old = self.url
        self.entry.title = "Renamed at last"
        self.entry.save()
        response = self.client.get(old)
        self.assertRedirects(response, f"/entries/{self.entry.pk}-renamed-at-last/", 301)

    def test_unknown_ids_are_404_whatever_the_slug(self):
        for url in ["/entries/999/", "/entries/999-readable-permalinks/"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_every_link_names_the_canonical_url(self):
        self.assertContains(self.client.get("/"), f'<a href="{self.url}">')
        self.assertContains(self.client.get("/search/?query=readable"), f'<a href="{self.url}">')
        feed = feedparser.parse(self.client.get("/feed/").content)
        self.assertEqual(feed.entries[0].link, f"http://testserver{self.url}")
        # The admin's "View on site".
        self.client.force_login(create_admin())
        change = self.client.get(f"/admin/entries/entry/{self.entry.pk}/change/")
        link = re.search(r'<a href="([^"]+)" class="viewsitelink">', change.content.decode())
        response = self.client.get(link[1])
        self.assertEqual(response["Location"], f"http://testserver{self.url}")


class NeighbourTests(TestCase):
    def test_an_entry_links_its_newer_and_older_published_entries(self):
        now = timezone.now()
        first = create_entry("First", publish_at=now - timedelta(days=3))
        middle = create_entry("Middle", publish_at=now - timedelta(days=2))
        create_entry("A draft between", status="draft")
        last = create_entry("Last", publish_at=now - timedelta(days=1))
        page = self.client.get(middle.get_absolute_url())
        self.assertContains(page, f'<a rel="prev" href="{last.get_absolute_url()}">Newer: Last</a>')
        self.assertContains(
            page, f'<a rel="next" href="{first.get_absolute_url()}">Older: First</a>'
        )
        self.assertNotContains(self.client.get(last.get_absolute_url()), 'rel="prev"')
        self.assertNotContains(self.client.get(first.get_absolute_url()), 'rel="next"')

    def test_entries_of_one_instant_are_ordered_by_id_as_the_index_is(self):
        now = timezone.now() - timedelta(hours=1)
        a, b, c = (create_entry(name, publish_at=now) for name in "ABC")
        page = self.client.get(b.get_absolute_url())
        self.assertContains(page, f'<a rel="prev" href="{c.get_absolute_url()}">')
        self.assertContains(page, f'<a rel="next" href="{a.get_absolute_url()}">')
