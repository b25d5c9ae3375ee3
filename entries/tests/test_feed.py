"""GET /feed/: an Atom feed of the newest 20 entries."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entries.models import Entry
from entries.tests.helpers import create_entry, create_user, page_queries

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedTests(TestCase):
    def feed(self):
        response = self.client.get("/feed/")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        return ET.fromstring(response.content)

    def test_an_empty_blog_has_a_valid_empty_feed(self):
        root = self.feed()
        self.assertEqual(root.tag, f"{ATOM}feed")
        self.assertEqual(root.find(f"{ATOM}title").text, "Flaskr")
        self.assertEqual(root.findall(f"{ATOM}entry"), [])

    def test_each_entry_has_its_fields(self):
        author = create_user("alice", "pw")
        entry = create_entry("<Hello>", "<strong>bold</strong><script>x</script>", author=author)
        item = self.feed().find(f"{ATOM}entry")
        self.assertEqual(item.find(f"{ATOM}title").text, "<Hello>")
        link = item.find(f"{ATOM}link").attrib["href"]
        self.assertEqual(link, f"http://testserver/entries/{entry.pk}-hello/")
        self.assertEqual(item.find(f"{ATOM}author/{ATOM}name").text, "alice")
        updated = item.find(f"{ATOM}updated").text
        self.assertEqual(updated, entry.updated_at.isoformat())
        published = item.find(f"{ATOM}published").text
        self.assertEqual(published, entry.publish_at.isoformat())
        content = item.find(f"{ATOM}content")
        self.assertEqual(content.attrib["type"], "html")
        self.assertEqual(content.text, "<p><strong>bold</strong></p>\n")

    def test_it_holds_the_newest_twenty_newest_first(self):
        start = timezone.now() - timedelta(days=1)
        Entry.objects.bulk_create(
            Entry(title=f"Entry {n}", text="t", publish_at=start + timedelta(minutes=n))
            for n in range(25)
        )
        titles = [e.find(f"{ATOM}title").text for e in self.feed().findall(f"{ATOM}entry")]
        self.assertEqual(titles, [f"Entry {n}" for n in range(24, 4, -1)])

    def test_every_page_links_to_the_feed(self):
        self.assertContains(
            self.client.get("/"),
            '<link rel="alternate" type="application/atom+xml" title="Flaskr" href="/feed/">',
        )

    def test_the_authors_come_in_the_same_query_as_the_entries(self):
        """One query of the entries with their authors, one of their tags."""
        for name in ["alice", "bob", "carol"]:
            create_entry(f"By {name}", author=create_user(name, "pw")).set_tags([name])
        with CaptureQueriesContext(connection) as queries:
            self.feed()
        sql = page_queries(queries)
        self.assertEqual(len(sql), 2)
        self.assertIn('JOIN "auth_user"', sql[0])
        self.assertIn('"entries_tagging"', sql[1])


class FeedWhateverEntriesHoldTests(TestCase):
    def test_control_characters_in_an_entry_leave_the_feed_valid(self):
        """One stored \\x01 used to make the feed a 500 for every reader."""
        create_entry("Bell\x07 title\x01", "<p>Vertical\x0btab and escape\x1b</p>")
        create_entry("Tab\tand newline", "Line one\nline two\r\n<em>end</em>")
        response = self.client.get("/feed/")
        self.assertEqual(response.status_code, 200)
        feed = feedparser.parse(response.content)
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        self.assertEqual(
            [entry.title for entry in feed.entries], ["Tab\tand newline", "Bell title"]
        )
        self.assertEqual(feed.entries[1].content[0].value, "<p>Verticaltab and escape</p>")


class FeedOfABlogTests(TestCase):
    """The feed names the blog, and each entry its publication, its last change and tags."""

    @override_settings(BLOG_TITLE="Notes", BLOG_DESCRIPTION="Small and sharp.")
    def test_the_feed_is_titled_and_subtitled_by_the_blog(self):
        feed = feedparser.parse(self.client.get("/feed/").content)
        self.assertEqual((feed.feed.title, feed.feed.subtitle), ("Notes", "Small and sharp."))

    def test_each_entry_has_its_publication_its_change_and_its_tags(self):
        backdated = timezone.now() - timedelta(days=9)
        entry = create_entry("Tagged", "t", publish_at=backdated)
        entry.set_tags(["Django", "tests"])
        item = feedparser.parse(self.client.get("/feed/").content).entries[0]
        self.assertEqual(item.published, backdated.isoformat())
        self.assertEqual(item.updated, entry.updated_at.isoformat())
        self.assertEqual(sorted(tag.term for tag in item.tags), ["Django", "tests"])
