"""`manage.py import_wordpress FILE`: a WordPress export's posts (WXR 1.0-1.2) become entries:
published, scheduled or drafts as WordPress had them, never a protected one public; their
tags and categories tags; no block comment or shortcode shown; XML attacks refused."""

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import time_machine
from django.test import TestCase

from entries.management.commands import _importing
from entries.models import Entry, Markup, Status
from entries.tests.helpers import create_user, run_command, titles

FILES = Path(__file__).with_name("files")
EXPORT = FILES / "wordpress.xml"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SITE = "https://old.example/?p="


def wordpress(*args):
    return run_command("import_wordpress", *args)


class ImportWordPressTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = create_user("writer")

    def setUp(self):
        self.enterContext(time_machine.travel(NOW, tick=False))

    def entry(self, post_id):
        return Entry.objects.get(import_ref=f"wordpress:{SITE}{post_id}")

    def test_posts_only_are_imported_and_said_so(self):
        out, err, status = wordpress(EXPORT)
        self.assertEqual((out, err, status), ("Imported 11, already there 0, refused 0.\n", "", 0))
        self.assertEqual(Entry.objects.count(), 11)
        self.assertFalse(Entry.objects.filter(title__in=["About", "photo.jpg", "Home"]).exists())
        self.assertEqual(set(Entry.objects.values_list("markup", flat=True)), {Markup.HTML})

    def test_published_posts_are_published_at_their_gmt_date(self):
        wordpress(EXPORT)
        hello = self.entry(10)
        self.assertEqual(hello.status, Status.PUBLISHED)
        self.assertEqual(hello.publish_at, datetime(2025, 1, 10, 9, 0, tzinfo=UTC))
        self.assertEqual(hello.created_at, datetime(2025, 1, 10, 9, 0, tzinfo=UTC))
        self.assertEqual(hello.updated_at, datetime(2025, 6, 1, 8, 30, tzinfo=UTC))
        self.assertEqual(
            titles(self.client.get("/")),
            ["No text", "Forty tags", "Marked up &amp; more", "Untitled", "Shortcodes",
             "Hello world"],
        )  # fmt: skip

    def test_a_future_post_is_scheduled(self):
        wordpress(EXPORT)
        soon = self.entry(17)
        self.assertEqual(soon.status, Status.PUBLISHED)
        self.assertEqual(soon.publish_at, datetime(2099, 1, 1, 9, 0, tzinfo=UTC))
        self.assertTrue(soon.is_scheduled)
        self.assertEqual(self.client.get(soon.get_absolute_url()).status_code, 404)

    def test_drafts_pending_private_and_protected_posts_are_drafts_nobody_else_sees(self):
        wordpress(EXPORT, "--author", "writer")
        for post_id in [16, 18, 19, 20]:
            entry = self.entry(post_id)
            self.assertEqual((entry.status, entry.publish_at), (Status.DRAFT, None))
            self.assertEqual(self.client.get(entry.get_absolute_url()).status_code, 404)
        self.client.force_login(self.writer)
        drafts = self.client.get("/drafts/")
        for title in ["Secret", "Half written", "Waiting", "Mine only", "Coming soon"]:
            self.assertContains(drafts, title)
        self.assertNotContains(self.client_class().get("/"), "Behind a password")

    def test_tags_and_categories_become_tags_in_any_language(self):
        wordpress(EXPORT)
        hello = self.entry(10)
        self.assertEqual([tag.name for tag in hello.tags.all()], ["Café", "News", "περιεχόμενο"])
        self.assertEqual(self.entry(14).tags.count(), 40)
        page = self.client.get("/tags/περιεχόμενο/")
        self.assertEqual(titles(page), ["Hello world"])

    def test_titles_are_plain_text_and_an_empty_one_is_untitled(self):
        wordpress(EXPORT)
        self.assertEqual(self.entry(13).title, "Marked up & more")
        self.assertEqual(self.entry(12).title, "Untitled")
        self.assertContains(self.client.get("/"), "Marked up &amp; more")

    def test_a_post_without_text_is_kept(self):
        wordpress(EXPORT)
        self.assertEqual(self.entry(15).text, "")
        self.assertEqual(self.client.get(self.entry(15).get_absolute_url()).status_code, 200)

    def test_block_comments_and_shortcodes_never_reach_a_reader(self):
        wordpress(EXPORT)
        hello, shortcodes = self.entry(10), self.entry(11)
        self.assertEqual(hello.text, "<p>Welcome to <strong>WordPress</strong>.</p>")
        self.assertEqual(
            shortcodes.text,
            "<p>A harbour at dawn</p>\n<p>Second paragraph with [escaped] brackets.</p>",
        )
        page = self.client.get("/").content.decode()
        for hidden in ["wp:paragraph", "[caption", "[/caption]", "[gallery", "ids="]:
            self.assertNotIn(hidden, page)

    def test_running_again_imports_nothing_twice(self):
        wordpress(EXPORT)
        self.assertEqual(wordpress(EXPORT)[0], "Imported 0, already there 11, refused 0.\n")
        self.assertEqual(Entry.objects.count(), 11)

    def test_the_author_option_names_who_wrote_them(self):
        wordpress(EXPORT, "--author", "writer")
        self.assertEqual(set(Entry.objects.values_list("author", flat=True)), {self.writer.pk})

    def test_wxr_1_0_is_read_its_tags_too_and_without_a_guid_the_site_and_id_name_a_post(self):
        out, err, status = wordpress(FILES / "wordpress-1.0.xml")
        self.assertEqual((out, status), ("Imported 1, already there 0, refused 0.\n", 0))
        entry = Entry.objects.get()
        self.assertEqual(entry.import_ref, "wordpress:https://older.example/?p=5")
        self.assertEqual(entry.publish_at, datetime(2009, 5, 1, 8, 0, tzinfo=UTC))
        # WordPress stores a classic post's paragraphs as blank lines.
        self.assertEqual(entry.text, "<p>First paragraph.</p>\n<p>Second paragraph.</p>")
        self.assertEqual([tag.name for tag in entry.tags.all()], ["old", "Uncategorized"])

    def test_a_billion_laughs_is_refused_in_one_line_and_nothing_imported(self):
        out, err, status = wordpress(FILES / "billion_laughs.xml")
        self.assertEqual(
            err,
            f"CommandError: {FILES / 'billion_laughs.xml'}: refused: the XML declares an entity; "
            "a WordPress export declares none, and XML attacks do.\n",
        )
        self.assertEqual((out, status), ("", 1))
        self.assertFalse(Entry.objects.exists())

    def test_an_external_entity_is_refused_in_one_line_and_nothing_imported(self):
        out, err, status = wordpress(FILES / "external_entity.xml")
        self.assertEqual(
            err,
            f"CommandError: {FILES / 'external_entity.xml'}: refused: the XML declares an "
            "entity; a WordPress export declares none, and XML attacks do.\n",
        )
        self.assertEqual((out, status), ("", 1))
        self.assertFalse(Entry.objects.exists())


class BadWordPressFilesTests(TestCase):
    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def file(self, content, name="export.xml"):
        path = self.folder / name
        path.write_text(content)
        return path

    def test_a_missing_file_is_one_line(self):
        missing = self.folder / "missing.xml"
        self.assertEqual(wordpress(missing), ("", f"CommandError: {missing}: no such file.\n", 1))

    def test_a_folder_is_one_line(self):
        self.assertEqual(
            wordpress(self.folder),
            ("", f"CommandError: {self.folder}: cannot be read: Is a directory.\n", 1),
        )

    def test_a_broken_file_is_one_line(self):
        path = self.file("<rss><channel><item>")
        out, err, status = wordpress(path)
        self.assertEqual(
            err,
            f"CommandError: {path}: not a WordPress export: no element found: line 1, column 20\n",
        )
        self.assertEqual(status, 1)

    def test_an_rss_feed_that_is_not_an_export_is_one_line(self):
        for content in ['<rss version="2.0"><channel><title>A feed</title></channel></rss>',
                        "<feed><entry/></feed>"]:  # fmt: skip
            path = self.file(content)
            self.assertEqual(
                wordpress(path),
                ("", f"CommandError: {path}: not a WordPress export (WXR 1.0, 1.1 or 1.2).\n", 1),
            )

    def post(self, body, post_id=1):
        return (
            f"<item><guid>https://b.example/?p={post_id}</guid><wp:post_id>{post_id}</wp:post_id>"
            f"<wp:post_type>post</wp:post_type>{body}</item>"
        )

    def export(self, *items, version="1.1"):
        return self.file(
            f'<rss xmlns:wp="http://wordpress.org/export/{version}/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<link>https://b.example</link>{''.join(items)}</channel></rss>"
        )

    def test_posts_that_cannot_be_taken_are_named_with_the_reason_and_the_rest_imported(self):
        path = self.export(
            self.post("<title>Fine</title><wp:status>publish</wp:status>", 1),
            self.post(f"<title>{'x' * 201}</title><wp:status>publish</wp:status>", 2),
            self.post("<title>Bad date</title><wp:post_date_gmt>May 1st</wp:post_date_gmt>", 3),
            self.post(
                "<title>Tag</title>" + '<category domain="post_tag">' + "t" * 51 + "</category>", 4
            ),
        )
        out, err, status = wordpress(path)
        self.assertEqual(out, "Imported 1, already there 0, refused 3.\n")
        self.assertEqual(
            err,
            "post 2: refused: title: Ensure this value has at most 200 characters (it has 201).\n"
            "post 3: refused: a date that cannot be read: 'May 1st'.\n"
            f"post 4: refused: A tag is at most 50 characters: {'t' * 50}…\n"
            "CommandError: 3 refused (listed above); the rest was imported.\n",
        )
        self.assertEqual(status, 2)

    def test_a_post_without_a_status_is_a_draft_and_a_future_one_without_a_date_too(self):
        path = self.export(
            self.post("<title>No status</title>", 1),
            self.post("<title>Future</title><wp:status>future</wp:status>", 2),
            version="1.0",
        )
        self.assertEqual(wordpress(path)[2], 0)
        self.assertEqual(set(Entry.objects.values_list("status", flat=True)), {Status.DRAFT})

    def test_a_published_post_without_a_gmt_date_takes_its_local_one_or_else_now(self):
        path = self.export(
            self.post("<title>Local</title><wp:status>publish</wp:status>"
                      "<wp:post_date>2024-02-03 04:05:06</wp:post_date>"
                      "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>", 1),
            self.post("<title>Undated</title><wp:status>publish</wp:status>", 2),
        )  # fmt: skip
        with time_machine.travel(NOW, tick=False):
            wordpress(path)
        times = dict(Entry.objects.values_list("title", "publish_at"))
        self.assertEqual(
            times, {"Local": datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC), "Undated": NOW}
        )

    def test_a_wxr_of_many_posts_goes_in_by_batches(self):
        path = self.export(
            *(self.post(f"<title>Post {n}</title><wp:status>publish</wp:status>", n)
              for n in range(1, 8))
        )  # fmt: skip
        with mock.patch.object(_importing, "BATCH_SIZE", 3):
            self.assertEqual(wordpress(path)[0], "Imported 7, already there 0, refused 0.\n")
        self.assertEqual(titles(self.client.get("/"))[:2], ["Post 7", "Post 6"])
