"""What every page's <head> tells browsers, crawlers and link previews: its own title, the
canonical URL, a description, Open Graph and Twitter cards, the feeds, JSON-LD on entries,
and noindex where search engines have nothing to find."""

import html.parser
import json
import re
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entries.caching import blog_changed
from entries.models import Entry, Tag
from entries.templatetags.entry_head import summary
from entries.tests.helpers import create_admin, create_entry, create_user, page_queries

DESCRIPTION = "A mini-blog: the Flaskr tutorial's, rebuilt test-first on Django."


class Head(html.parser.HTMLParser):
    """The <head>'s title, <meta> and <link> elements and JSON-LD blocks of a page."""

    def __init__(self, page):
        super().__init__()
        self.title, self.meta, self.links, self.json_ld = None, [], [], []
        self.in_title = self.in_json_ld = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self.in_title, self.title = True, ""
        elif tag == "meta" and "content" in attrs:
            self.meta.append((attrs.get("name") or attrs.get("property"), attrs["content"]))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self.in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        self.in_title = self.in_json_ld = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif self.in_json_ld:
            self.json_ld[-1] += data

    def all(self, name):
        return [content for key, content in self.meta if key == name]

    def one(self, name):
        (content,) = self.all(name)
        return content

    def link(self, rel, **attrs):
        found = [link for link in self.links if link.get("rel") == rel]
        return [link for link in found if attrs.items() <= link.items()]

    @property
    def canonical(self):
        (link,) = self.link("canonical")
        return link["href"]

    @property
    def posting(self):
        (block,) = self.json_ld
        return json.loads(block)


def head(response):
    return Head(response.content.decode())


class EveryPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.entry = create_entry("Tagged", "Some *text*")
        cls.entry.set_tags(["Django"])

    def test_every_page_has_a_title_a_canonical_url_a_description_and_cards(self):
        for path in ["/", self.entry.get_absolute_url(), "/tags/", "/tags/django/",
                     "/search/", "/search/?query=text", "/login"]:  # fmt: skip
            with self.subTest(path=path):
                found = head(self.client.get(path))
                self.assertTrue(found.title.endswith("Flaskr"), found.title)
                self.assertTrue(found.canonical.startswith("https://testserver/"))
                self.assertTrue(found.one("description"))
                self.assertEqual(found.one("og:url"), found.canonical)
                self.assertTrue(found.one("og:title"))
                self.assertEqual(found.one("og:description"), found.one("description"))
                self.assertEqual(found.one("og:site_name"), "Flaskr")
                self.assertIn(found.one("og:type"), {"article", "website"})
                self.assertEqual(found.one("twitter:card"), "summary")
                (feed,) = found.link("alternate", type="application/atom+xml", href="/feed/")
                self.assertEqual(feed["title"], "Flaskr")

    def test_each_page_has_a_title_of_its_own(self):
        titles = {
            "/": "Flaskr",
            self.entry.get_absolute_url(): "Tagged · Flaskr",
            "/tags/": "Tags · Flaskr",
            "/tags/django/": "Django · Flaskr",
            "/search/": "Search · Flaskr",
            "/search/?query=text": "text · Search · Flaskr",
            "/login": "Log in · Flaskr",
        }
        for path, title in titles.items():
            with self.subTest(path=path):
                self.assertEqual(head(self.client.get(path)).title, title)

    def test_descriptions_say_what_each_page_holds(self):
        self.assertEqual(head(self.client.get("/")).one("description"), DESCRIPTION)
        self.assertEqual(
            head(self.client.get("/tags/")).one("description"),
            "Every tag on Flaskr, with how many entries each has.",
        )
        self.assertEqual(
            head(self.client.get("/tags/django/")).one("description"),
            "The entries tagged Django on Flaskr.",
        )
        self.assertEqual(
            head(self.client.get("/search/")).one("description"), "Search the entries of Flaskr."
        )
        self.assertEqual(head(self.client.get("/login")).one("description"), "Log in to Flaskr.")

    def test_pages_other_than_entries_are_websites(self):
        for path in ["/", "/tags/", "/tags/django/", "/search/?query=text", "/login"]:
            with self.subTest(path=path):
                found = head(self.client.get(path))
                self.assertEqual(found.one("og:type"), "website")
                self.assertEqual(found.all("article:published_time"), [])
                self.assertEqual(found.json_ld, [])

    def test_the_canonical_url_is_https_on_the_requests_host_with_the_pages_own_query(self):
        create_entry("Second")
        with override_settings(ALLOWED_HOSTS=["blog.example", "other.example"]):
            found = head(self.client.get("/", HTTP_HOST="blog.example"))
            self.assertEqual(found.canonical, "https://blog.example/")
            # The page cache keeps a page per host: the next host's page names its own.
            found = head(self.client.get("/", HTTP_HOST="other.example"))
            self.assertEqual(found.canonical, "https://other.example/")
        before = "20260101T000000000000-5"
        found = head(self.client.get("/", {"before": before, "utm_source": "x"}))
        self.assertEqual(found.canonical, f"https://testserver/?before={before}")
        found = head(self.client.get("/search/", {"query": "a b&c", "page": "2"}))
        self.assertEqual(found.canonical, "https://testserver/search/?query=a+b%26c")
        found = head(self.client.get("/login", {"next": "/drafts/"}))
        self.assertEqual(found.canonical, "https://testserver/login")

    @override_settings(BLOG_TITLE="Notes & <Things>", BLOG_DESCRIPTION="Small & sharp.")
    def test_the_blogs_name_and_description_come_from_the_settings(self):
        response = self.client.get("/")
        found = head(response)
        self.assertEqual(found.title, "Notes & <Things>")
        self.assertEqual(found.one("og:site_name"), "Notes & <Things>")
        self.assertEqual(found.one("og:title"), "Notes & <Things>")
        self.assertEqual(found.one("description"), "Small & sharp.")
        self.assertContains(response, '<h1><a href="/">Notes &amp; &lt;Things&gt;</a></h1>')
        found = head(self.client.get(self.entry.get_absolute_url()))
        self.assertEqual(found.title, "Tagged · Notes & <Things>")
        self.assertEqual(found.one("og:site_name"), "Notes & <Things>")

    def test_a_refused_host_gets_the_400_page_without_an_address(self):
        with self.assertLogs("django.security.DisallowedHost", "WARNING"):
            response = self.client.get("/", HTTP_HOST="evil.example")
        self.assertEqual(response.status_code, 400)
        found = head(response)
        self.assertEqual(found.title, "Bad request · Flaskr")
        self.assertEqual(found.link("canonical"), [])

    def test_an_error_page_names_no_canonical_url(self):
        for path in ["/no-such-page", "/entries/99999/", "/tags/unknown/"]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 404)
                found = head(response)
                self.assertEqual(found.title, "Page not found · Flaskr")
                self.assertEqual(found.link("canonical"), [])
                self.assertEqual(found.all("og:url"), [])


class EntryHeadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = create_user("ada")
        cls.entry = create_entry(
            "Readable & <linkable>",
            "# A heading\n\nThe *first* paragraph, with [a link](https://example.com/) "
            "and `code`.\n\n" + " ".join(["word"] * 60),
            author=cls.author,
            publish_at=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
        )
        cls.entry.set_tags(["Django", "content περιεχόμενο"])
        Entry.objects.filter(pk=cls.entry.pk).update(
            updated_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
        )
        cls.url = cls.entry.get_absolute_url()

    def test_the_entry_is_an_article_with_its_times_and_tags(self):
        found = head(self.client.get(self.url))
        self.assertEqual(found.title, "Readable & <linkable> · Flaskr")
        self.assertEqual(found.one("og:title"), "Readable & <linkable>")
        self.assertEqual(found.one("og:type"), "article")
        self.assertEqual(found.canonical, f"https://testserver{self.url}")
        self.assertEqual(found.one("article:published_time"), "2026-03-01T09:30:15+00:00")
        self.assertEqual(found.one("article:modified_time"), "2026-03-02T10:00:00+00:00")
        self.assertEqual(found.all("article:tag"), ["content περιεχόμενο", "Django"])
        self.assertEqual(found.all("robots"), [])

    @override_settings(TIME_ZONE="Europe/Paris")
    def test_times_carry_the_blogs_offset(self):
        found = head(self.client.get(self.url))
        self.assertEqual(found.one("article:published_time"), "2026-03-01T10:30:15+01:00")
        self.assertEqual(found.posting["datePublished"], "2026-03-01T10:30:15+01:00")

    def test_the_description_is_the_start_of_the_visible_text_cut_at_a_word(self):
        description = head(self.client.get(self.url)).one("description")
        self.assertTrue(
            description.startswith(
                "A heading The first paragraph, with a link and code. word word"
            ),
            description,
        )
        self.assertLessEqual(len(description), 160)
        self.assertTrue(description.endswith(" word…"), description)

    def test_the_page_holds_one_blog_posting(self):
        posting = head(self.client.get(self.url)).posting
        self.assertEqual(
            posting,
            {
                "@context": "https://schema.org",
                "@type": "BlogPosting",
                "headline": "Readable & <linkable>",
                "description": head(self.client.get(self.url)).one("description"),
                "datePublished": "2026-03-01T09:30:15+00:00",
                "dateModified": "2026-03-02T10:00:00+00:00",
                "author": {"@type": "Person", "name": "ada"},
                "url": f"https://testserver{self.url}",
                "keywords": ["content περιεχόμενο", "Django"],
            },
        )

    def test_the_json_ld_cannot_end_its_script_element(self):
        entry = create_entry("</script><script>alert(1)</script> & <!--", "x")
        page = self.client.get(entry.get_absolute_url()).content.decode()
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        self.assertNotIn("<", block.group(1))
        self.assertNotIn(">", block.group(1))
        self.assertNotIn("&", block.group(1))
        self.assertEqual(json.loads(block.group(1))["headline"], entry.title)
        self.assertIn('"keywords": []', block.group(1))

    def test_the_json_ld_is_readable_in_any_script(self):
        page = self.client.get(self.url).content.decode()
        self.assertIn('"keywords": ["content περιεχόμενο", "Django"]', page)

    def test_a_long_title_is_cut_to_googles_headline_length_at_a_word(self):
        entry = create_entry("Long " * 39 + "end", "x")  # 198 characters
        posting = head(self.client.get(entry.get_absolute_url())).posting
        self.assertLessEqual(len(posting["headline"]), 110)
        self.assertTrue(posting["headline"].startswith("Long Long"))
        self.assertTrue(posting["headline"].endswith("Long…"))

    def test_a_former_users_entry_is_the_blogs(self):
        entry = create_entry("Orphan", "x", author=create_user("gone"))
        entry.author.delete()
        posting = head(self.client.get(entry.get_absolute_url())).posting
        self.assertEqual(posting["author"], {"@type": "Organization", "name": "Flaskr"})

    def test_an_entry_without_text_to_show_is_described_by_the_blog(self):
        entry = create_entry("Just a rule", "---")
        self.assertEqual(head(self.client.get(entry.get_absolute_url())).one("description"),
                         DESCRIPTION)  # fmt: skip

    def test_the_head_costs_no_query(self):
        """The entry, its tags, its neighbours: what the page cost before it had a head."""
        blog_changed()
        with CaptureQueriesContext(connection) as queries:
            self.client.get(self.url)
        sql = page_queries(queries)
        self.assertEqual(len(sql), 4, sql)
        self.assertIn("updated_at", sql[0])

    def test_drafts_and_scheduled_entries_are_kept_out_of_search_engines(self):
        self.client.force_login(create_admin())
        for extra in [{"status": "draft"}, {"publish_at": timezone.now() + timedelta(days=1)}]:
            entry = create_entry("Not yet", "x", **extra)
            with self.subTest(extra=extra):
                found = head(self.client.get(entry.get_absolute_url()))
                self.assertEqual(found.one("robots"), "noindex")
        draft = Entry.objects.filter(status="draft").get()
        found = head(self.client.get(draft.get_absolute_url()))
        self.assertEqual(found.all("article:published_time"), [])
        self.assertNotIn("datePublished", found.posting)


class TagPageHeadTests(TestCase):
    def test_a_tag_page_names_its_own_feed_too(self):
        create_entry("One", "x").set_tags(["Web Design"])
        found = head(self.client.get("/tags/web-design/"))
        self.assertEqual(found.one("og:title"), "Entries tagged Web Design")
        self.assertEqual(found.canonical, "https://testserver/tags/web-design/")
        feeds = found.link("alternate", type="application/atom+xml")
        self.assertEqual(
            [(feed["href"], feed["title"]) for feed in feeds],
            [("/feed/", "Flaskr"), ("/tags/web-design/feed/", "Web Design · Flaskr")],
        )

    def test_a_tag_in_any_script_has_an_address_any_crawler_reads(self):
        create_entry("One", "x").set_tags(["content περιεχόμενο"])
        found = head(self.client.get(Tag.objects.get().get_absolute_url()))
        self.assertEqual(
            found.canonical,
            "https://testserver/tags/content-%CF%80%CE%B5%CF%81%CE%B9%CE%B5%CF%87%CF%8C%CE%BC%CE%B5%CE%BD%CE%BF/",
        )

    def test_a_tag_of_markup_stays_text(self):
        create_entry("One", "x").set_tags(['<b>"bold"</b>'])
        tag = Tag.objects.get()
        response = self.client.get(tag.get_absolute_url())
        self.assertNotContains(response, "<b>")
        self.assertEqual(head(response).one("og:title"), 'Entries tagged <b>"bold"</b>')


class NoIndexTests(TestCase):
    def test_pages_with_nothing_to_find_are_kept_out_of_search_engines(self):
        create_entry("Findable", "text")
        user = create_admin()
        for path in ["/search/", "/search/?query=text", "/login"]:
            with self.subTest(path=path):
                self.assertEqual(head(self.client.get(path)).one("robots"), "noindex")
        self.client.force_login(user)
        self.assertEqual(head(self.client.get("/drafts/")).one("robots"), "noindex")

    def test_pages_readers_come_for_are_indexed(self):
        entry = create_entry("Findable", "text")
        entry.set_tags(["kept"])
        for path in ["/", entry.get_absolute_url(), "/tags/", "/tags/kept/"]:
            with self.subTest(path=path):
                self.assertEqual(head(self.client.get(path)).all("robots"), [])


class SummaryTests(TestCase):
    def test_a_short_text_is_kept_whole_on_one_line(self):
        self.assertEqual(summary("  Two\n\nlines  "), "Two lines")

    def test_a_long_text_is_cut_at_a_word(self):
        text = "abcd " * 50
        self.assertEqual(summary(text), "abcd " * 31 + "abcd…")
        self.assertEqual(summary(text, 12), "abcd abcd…")
        self.assertEqual(summary("a" * 200, 10), "a" * 9 + "…")

    def test_exactly_the_limit_is_not_cut(self):
        self.assertEqual(summary("x" * 160), "x" * 160)
        self.assertEqual(summary("x" * 161), "x" * 159 + "…")
