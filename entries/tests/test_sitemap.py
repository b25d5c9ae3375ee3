"""GET /sitemap.xml: the blog's published URLs for crawlers, checked against the rules of
sitemaps.org (protocol 0.9)."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entries import sitemaps
from entries.models import Entry
from entries.tests.helpers import create_entry, page_queries

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
W3C_DATETIME = re.compile(r"\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?)?)?")


class SitemapRules:
    """The rules of sitemaps.org/protocol.html that a file must keep."""

    def check_file(self, response, host="testserver"):
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/xml"))
        self.assertLessEqual(len(response.content), 50 * 1024 * 1024)
        self.assertTrue(response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'))
        root = ET.fromstring(response.content)  # Well-formed, entities escaped.
        self.assertIn(root.tag, [f"{NS}urlset", f"{NS}sitemapindex"])
        child = "url" if root.tag == f"{NS}urlset" else "sitemap"
        items = root.findall(f"{NS}{child}")
        self.assertGreaterEqual(len(items), 1)
        self.assertLessEqual(len(items), 50_000)
        locations = []
        for item in items:
            self.assertEqual({tag.tag for tag in item} - {f"{NS}loc", f"{NS}lastmod"}, set())
            location = item.find(f"{NS}loc").text
            self.assertLessEqual(len(location), 2048)
            self.assertTrue(location.startswith(f"https://{host}/"), location)
            self.assertNotRegex(location, r"[\s<>\"]")
            lastmod = item.find(f"{NS}lastmod")
            if lastmod is not None:
                self.assertRegex(lastmod.text, W3C_DATETIME)
            locations.append(location)
        self.assertEqual(len(locations), len(set(locations)))
        return root.tag.removeprefix(NS), locations


class SitemapTests(SitemapRules, TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.entry = create_entry("Listed & <escaped>", "x", publish_at=now - timedelta(days=1))
        cls.entry.set_tags(["Café", "django"])
        cls.unicode = create_entry("Grüße, 世界", "y")
        cls.draft = create_entry("A draft", status="draft")
        cls.draft.set_tags(["secret"])
        cls.scheduled = create_entry("Planned", publish_at=now + timedelta(days=1))

    def test_a_small_blog_is_one_file_of_every_published_url(self):
        kind, urls = self.check_file(self.client.get("/sitemap.xml"))
        self.assertEqual(kind, "urlset")
        base = "https://testserver"
        self.assertEqual(
            sorted(urls),
            sorted([
                f"{base}/", f"{base}/tags/", f"{base}/tags/café/".replace("é", "%C3%A9"),
                f"{base}/tags/django/", f"{base}{self.entry.get_absolute_url()}",
                f"{base}{self.unicode.get_absolute_url()}",
            ]),
        )  # fmt: skip

    def test_drafts_and_scheduled_entries_are_never_listed(self):
        page = self.client.get("/sitemap.xml").content.decode()
        for hidden in [self.draft, self.scheduled]:
            self.assertNotIn(f"/entries/{hidden.pk}-", page)
        self.assertNotIn("secret", page)

    def test_each_entry_says_when_it_last_changed(self):
        root = ET.fromstring(self.client.get("/sitemap.xml").content)
        for url in root.findall(f"{NS}url"):
            if url.find(f"{NS}loc").text.endswith(self.entry.get_absolute_url()):
                lastmod = url.find(f"{NS}lastmod").text
        self.assertEqual(lastmod, self.entry.updated_at.date().isoformat())

    def test_urls_are_on_the_requests_host(self):
        response = self.client.get("/sitemap.xml", headers={"host": "localhost"})
        self.check_file(response, host="localhost")

    def test_a_scheduled_entry_is_listed_at_its_time(self):
        Entry.objects.filter(pk=self.scheduled.pk).update(publish_at=timezone.now())
        self.assertContains(self.client.get("/sitemap.xml"), f"/entries/{self.scheduled.pk}-")


@mock.patch.object(sitemaps, "FILE_SIZE", 10)
@mock.patch.object(sitemaps.EntrySitemap, "limit", 10)
class SitemapIndexTests(SitemapRules, TestCase):
    """Past FILE_SIZE entries (10 here, 2,000 in production), an index of numbered files."""

    @classmethod
    def setUpTestData(cls):
        start = timezone.now() - timedelta(days=30)
        Entry.objects.bulk_create(
            Entry(title=f"Entry {n}", text="t", publish_at=start + timedelta(hours=n))
            for n in range(35)
        )
        Entry.objects.filter(title="Entry 12").update(status="draft")
        # Files are ranges of ten ids; on PostgreSQL the ids go on from earlier tests.
        first, last = (
            pk - 1 for pk in Entry.objects.order_by("id").values_list("pk", flat=True)[::34]
        )
        cls.files = last // 10 - first // 10 + 1

    def file(self, number):
        return f"/sitemap-entries.xml?p={number}"

    def test_the_index_names_every_file_and_the_files_hold_every_entry_once(self):
        kind, files = self.check_file(self.client.get("/sitemap.xml"))
        self.assertEqual(kind, "sitemapindex")
        self.assertEqual(
            files,
            ["https://testserver/sitemap-pages.xml", "https://testserver/sitemap-entries.xml",
             *(f"https://testserver{self.file(n)}" for n in range(2, self.files + 1))],
        )  # fmt: skip
        listed = []
        for file in files:
            kind, urls = self.check_file(self.client.get(file.removeprefix("https://testserver")))
            self.assertEqual(kind, "urlset")
            self.assertLessEqual(len(urls), 10)
            listed += urls
        entries = [url for url in listed if "/entries/" in url]
        self.assertEqual(len(entries), 34)
        self.assertEqual(len(set(listed)), len(listed))

    def test_the_last_file_costs_what_the_first_does(self):
        """No OFFSET scan and no count of the whole table: a range of the primary key."""
        for file in ["/sitemap-entries.xml", self.file(self.files)]:
            with self.subTest(file=file), CaptureQueriesContext(connection) as queries:
                self.client.get(file)
            sql = " ".join(page_queries(queries)).upper()
            self.assertNotIn("OFFSET", sql)
            self.assertNotIn("COUNT(", sql)

    def test_a_range_of_ids_with_nothing_published_is_still_a_valid_file(self):
        first = Entry.objects.order_by("id").first().pk
        Entry.objects.filter(pk__gt=first + 9, pk__lte=first + 19).update(status="draft")
        files = self.check_file(self.client.get("/sitemap.xml"))[1]
        for file in files[1:]:
            kind, urls = self.check_file(self.client.get(file.removeprefix("https://testserver")))
            self.assertTrue(urls)
            if not any("/entries/" in url for url in urls):  # The range of drafts: the index.
                self.assertEqual(urls, ["https://testserver/"])

    def test_a_file_past_the_last_or_not_a_number_is_404(self):
        for file in [self.file(self.files + 1), self.file("x"), "/sitemap-nope.xml"]:
            with self.subTest(file=file):
                self.assertEqual(self.client.get(file).status_code, 404)
