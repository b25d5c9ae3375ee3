"""Conditional requests and compression: what a reader's browser, a feed reader polling, or
a crawler gets when it already holds a page, and when it takes gzip."""

import gzip
from unittest import mock

import feedparser
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from entries import caching
from entries.tests.helpers import create_admin, create_entry

READER_PAGES = ["/", "/feed/", "/tags/", "/tags/apple/", "/tags/apple/feed/", "/search/?query=pie"]


class ConditionalRequestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.entry = create_entry("Apple pie", "A pie of apples. " * 40)
        cls.entry.set_tags(["apple"])

    def test_every_reader_page_carries_an_etag_and_the_feeds_a_last_modified(self):
        for url in [*READER_PAGES, self.entry.get_absolute_url()]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertRegex(response["ETag"], r'^W/"[0-9a-f]{32}"$')
                self.assertIn("no-cache", response["Cache-Control"])
        for url in ["/feed/", "/tags/apple/feed/"]:
            self.assertIn("Last-Modified", self.client.get(url))

    def test_a_matching_if_none_match_gets_304_from_the_cache_without_rendering(self):
        for url in READER_PAGES:
            with self.subTest(url=url):
                etag = self.client.get(url)["ETag"]
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(url, headers={"If-None-Match": etag})
                self.assertEqual(response.status_code, 304)
                self.assertEqual(response.content, b"")
                self.assertEqual(response["ETag"], etag)
                self.assertEqual(len(queries), 1)  # The cache's lookup alone.
                self.assertIn("flaskr_pages", queries[0]["sql"])

    def test_a_304_carries_what_caches_keep_of_the_page(self):
        """RFC 9110, 15.4.5: the headers a 200 would have sent that a cache updates."""
        for url in ["/", "/feed/"]:
            with self.subTest(url=url):
                page = self.client.get(url, headers={"Accept-Encoding": "gzip"})
                again = self.client.get(
                    url, headers={"Accept-Encoding": "gzip", "If-None-Match": page["ETag"]}
                )
                self.assertEqual(again.status_code, 304)
                for header in ["ETag", "Cache-Control", "Vary", "Last-Modified"]:
                    if header in page:
                        self.assertEqual(again[header], page[header], header)
                self.assertNotIn("Content-Encoding", again)
                self.assertNotIn("Content-Type", again)

    def test_a_failed_if_match_is_412_whatever_if_none_match_says(self):
        for url, precondition in [
            ("/", {"If-Match": '"other"'}),
            ("/feed/", {"If-Unmodified-Since": http_date(10**9)}),  # Before its Last-Modified.
        ]:
            with self.subTest(url=url):
                headers = {"If-None-Match": self.client.get(url)["ETag"], **precondition}
                self.assertEqual(self.client.get(url, headers=headers).status_code, 412)

    def test_a_feed_reader_polling_with_if_modified_since_gets_304(self):
        response = self.client.get("/feed/")
        again = self.client.get("/feed/", headers={"If-Modified-Since": response["Last-Modified"]})
        self.assertEqual(again.status_code, 304)

    def test_after_any_change_the_next_request_gets_the_new_page_and_a_new_etag(self):
        before = {url: self.client.get(url) for url in READER_PAGES}
        create_entry("Pear pie", "A pie of pears").set_tags(["apple"])
        for url, old in before.items():
            with self.subTest(url=url):
                headers = {"If-None-Match": old["ETag"]}
                if "Last-Modified" in old:
                    headers["If-Modified-Since"] = old["Last-Modified"]
                response = self.client.get(url, headers=headers)
                self.assertEqual(response.status_code, 200)
                self.assertNotEqual(response["ETag"], old["ETag"])
                self.assertContains(response, "(2)" if url == "/tags/" else "Pear")

    def test_an_if_modified_since_older_than_the_page_gets_it_whole(self):
        response = self.client.get("/feed/", headers={"If-Modified-Since": http_date(0)})
        self.assertEqual(response.status_code, 200)

    def test_garbage_conditional_headers_get_the_page(self):
        for headers in [
            {"If-None-Match": 'garbage, "unterminated'},
            {"If-None-Match": "W/"},
            {"If-None-Match": "\x00" * 10},
            {"If-Modified-Since": "yesterday"},
            {"If-Modified-Since": "Sun, 99 Foo 99999 99:99:99 GMT"},
            {"If-Modified-Since": "9" * 400},
        ]:
            for url in ["/", "/feed/"]:
                with self.subTest(url=url, headers=headers):
                    self.assertEqual(self.client.get(url, headers=headers).status_code, 200)

    def test_a_wildcard_if_none_match_is_304(self):
        self.client.get("/")
        self.assertEqual(self.client.get("/", headers={"If-None-Match": "*"}).status_code, 304)

    def test_an_uncached_page_for_readers_carries_an_etag_too(self):
        """A URL with a parameter the page does not use is answered fresh, not stored."""
        response = self.client.get("/?utm_source=x")
        etag = response["ETag"]
        again = self.client.get("/?utm_source=x", headers={"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)

    def test_logged_in_pages_are_never_answered_from_the_readers_cache(self):
        etag = self.client.get("/")["ETag"]
        self.client.force_login(create_admin())
        response = self.client.get("/", headers={"If-None-Match": etag})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "log out")


class CompressionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.entry = create_entry("Compressible", "Words and words. " * 100)

    def test_pages_and_feeds_are_gzipped_for_clients_that_take_it(self):
        for url in ["/", "/feed/", self.entry.get_absolute_url(), "/search/?query=words"]:
            with self.subTest(url=url):
                plain = self.client.get(url)
                for _ in range(2):  # The page as stored, then a hit.
                    packed = self.client.get(url, headers={"Accept-Encoding": "gzip, br"})
                    self.assertEqual(packed["Content-Encoding"], "gzip")
                    self.assertIn("Accept-Encoding", packed["Vary"])
                    self.assertEqual(gzip.decompress(packed.content), plain.content)
                    self.assertEqual(int(packed["Content-Length"]), len(packed.content))
                    self.assertLess(len(packed.content), len(plain.content) / 2)
                self.assertIn("Accept-Encoding", plain["Vary"])
                self.assertNotIn("Content-Encoding", plain)

    def test_the_feed_stays_valid_compressed(self):
        packed = self.client.get("/feed/", headers={"Accept-Encoding": "gzip"})
        feed = feedparser.parse(gzip.decompress(packed.content))
        self.assertFalse(feed.bozo)
        self.assertEqual(feed.entries[0].title, "Compressible")

    def test_a_cached_page_is_compressed_once_when_stored(self):
        with mock.patch("entries.caching.compress", wraps=caching.compress) as compress:
            for _ in range(3):
                self.client.get("/", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(compress.call_count, 1)

    def test_refused_or_junk_encodings_get_the_plain_page(self):
        for header in ["identity", "gzip;q=0", "br", "*;q=0", "gzip;q=0, *", "\x00\xff junk;;q=",
                       "gzip;q=abc", ",,,", "x" * 5000]:  # fmt: skip
            with self.subTest(header=header[:20]):
                response = self.client.get("/", headers={"Accept-Encoding": header})
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("Content-Encoding", response)
                self.assertContains(response, "Compressible")

    def test_a_wildcard_takes_gzip(self):
        response = self.client.get("/", headers={"Accept-Encoding": "*"})
        self.assertEqual(response["Content-Encoding"], "gzip")

    def test_logged_in_pages_are_compressed_too(self):
        self.client.force_login(create_admin())
        response = self.client.get("/", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertIn("log out", gzip.decompress(response.content).decode())

    def test_small_answers_are_left_alone(self):
        response = self.client.get("/healthz", headers={"Accept-Encoding": "gzip"})
        self.assertNotIn("Content-Encoding", response)
        self.assertEqual(response.content, b"ok")
