"""A scheduled entry appears on every page at its time, cached or not, with no cron job or
worker: the blog's version in the page cache carries the next publication time, and a hit
past it renews the version. The clock here is time-machine's, which the tests move."""

from datetime import timedelta

import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entries.models import Entry
from entries.tests.helpers import create_entry

START = timezone.now().replace(microsecond=0) + timedelta(days=1)
DUE = START + timedelta(hours=1)
PAGES = ["/", "/search/?query=quince", "/feed/", "/tags/fruit/", "/tags/fruit/feed/"]


class ScheduledEntriesAndThePageCacheTests(TestCase):
    def setUp(self):
        self.clock = self.enterContext(time_machine.travel(START, tick=False))
        self.out = create_entry("Out already", "a quince")
        self.out.set_tags(["fruit"])
        self.later = create_entry("Out at its time", "a quince", publish_at=DUE)
        self.later.set_tags(["fruit", "later"])
        for url in [*PAGES, "/tags/", "/tags/later/"]:
            self.client.get(url)  # Stored in the page cache.

    def assert_every_page(self, shows):
        for url in PAGES:
            with self.subTest(url=url):
                response = self.client.get(url)
                (self.assertContains if shows else self.assertNotContains)(response, "its time")
        # A tag of nothing published yet is unknown to readers.
        tag = self.client.get("/tags/later/")
        self.assertEqual(tag.status_code, 200 if shows else 404)
        self.assertEqual(self.client.get("/tags/later/feed/").status_code, 200 if shows else 404)
        # The list of tags: "later" and its count appear with the entry.
        self.assertEqual('href="/tags/later/"' in self.page("/tags/"), shows)

    def page(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_not_a_moment_early(self):
        self.clock.move_to(DUE - timedelta(microseconds=1))
        self.assert_every_page(shows=False)
        self.assertEqual(self.client.get(self.later.get_absolute_url()).status_code, 404)

    def test_on_time_on_every_page_cached_or_not(self):
        self.clock.move_to(DUE)
        self.assert_every_page(shows=True)
        self.assertEqual(self.client.get(self.later.get_absolute_url()).status_code, 200)

    def test_before_its_time_a_hit_still_costs_one_lookup(self):
        self.clock.move_to(DUE - timedelta(seconds=1))
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/")
        self.assertEqual(len(queries), 1)
        self.assertIn("flaskr_pages", queries[0]["sql"])

    def test_past_its_time_the_first_reader_renews_the_version_and_the_next_hits_again(self):
        self.clock.move_to(DUE + timedelta(seconds=5))
        self.assertContains(self.client.get("/"), "its time")
        with CaptureQueriesContext(connection) as queries:
            self.assertContains(self.client.get("/"), "its time")
        self.assertEqual(len(queries), 1)

    def test_the_next_of_several_scheduled_entries_comes_out_in_turn(self):
        create_entry("Out even later", "a quince", publish_at=DUE + timedelta(hours=1))
        self.clock.move_to(DUE)
        self.assertContains(self.client.get("/"), "Out at its time")
        self.assertNotContains(self.client.get("/"), "Out even later")
        self.clock.move_to(DUE + timedelta(hours=1))
        self.assertContains(self.client.get("/"), "Out even later")

    def test_moved_back_into_the_future_it_leaves_every_page(self):
        self.clock.move_to(DUE)
        self.assertContains(self.client.get("/"), "its time")
        later = self.later
        later.publish_at = DUE + timedelta(days=1)
        later.save()
        self.assert_every_page(shows=False)
        self.assertEqual(Entry.objects.published().count(), 1)
