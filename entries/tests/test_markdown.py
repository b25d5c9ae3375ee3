"""An entry's text is Markdown, rendered and sanitized when it is saved; entries written
before Markdown keep the page they had."""

from importlib import import_module
from unittest import mock

from django.core.cache import caches
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase, TransactionTestCase
from django.utils.html import escape

from entries.models import Entry
from entries.tests.helpers import create_admin, create_entry

TEXT = """# A heading

Some *emphasis*, **strong**, ~~struck~~ and `code`, a [link](https://example.com/a)
and a bare one: https://example.org/b.

- one
- two

> quoted

```python
print("hi")
```

| left | centre | right |
|:-----|:------:|------:|
| a    | b      | c     |
"""


class RenderingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.entry = create_entry("Markdown", TEXT)

    def test_markdown_is_rendered_when_the_entry_is_saved(self):
        html = self.entry.html
        for expected in [
            "<h3>A heading</h3>",
            "<em>emphasis</em>",
            "<strong>strong</strong>",
            "<del>struck</del>",
            "<code>code</code>",
            '<a href="https://example.com/a" rel="noopener noreferrer nofollow">link</a>',
            '<a href="https://example.org/b" rel="noopener noreferrer nofollow">'
            "https://example.org/b</a>",
            "<li>one</li>",
            "<blockquote>\n<p>quoted</p>\n</blockquote>",
            '<pre><code class="language-python">print("hi")\n</code></pre>',
            '<th class="align-left">left</th>',
            '<th class="align-center">centre</th>',
            '<td class="align-right">c</td>',
        ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, html)

    def test_the_page_shows_it_and_keeps_one_h1_with_headings_in_order(self):
        page = self.client.get(self.entry.get_absolute_url()).content.decode()
        self.assertEqual(page.count("<h1"), 1)
        self.assertIn("<h3>A heading</h3>", page)
        self.assertIn('<code class="language-python">', page)

    def test_headings_start_below_the_entrys_title(self):
        text = "# one\n\n## two\n\n#### four\n\n###### six\n\n<h1>raw</h1>"
        entry = create_entry("Headings", text)
        self.assertEqual(
            entry.html, "<h3>one</h3>\n<h4>two</h4>\n<h6>four</h6>\n<h6>six</h6>\n<h3>raw</h3>\n"
        )

    def test_the_source_is_kept_as_typed(self):
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.text, TEXT)

    def test_the_tutorials_html_still_shows_bold(self):
        entry = create_entry("HTML", "<strong>HTML</strong> allowed here")
        self.assertEqual(entry.html, "<p><strong>HTML</strong> allowed here</p>\n")

    def test_a_page_read_renders_nothing(self):
        """Rendering is done once, at save: readers get the stored HTML."""
        pages = {
            "/": "<em>emphasis</em>",
            self.entry.get_absolute_url(): "<em>emphasis</em>",
            "/feed/": "&lt;em&gt;emphasis&lt;/em&gt;",
            "/search/?query=emphasis": "<em><mark>emphasis</mark></em>",
        }
        with mock.patch("entries.text.cmarkgfm", side_effect=AssertionError("rendered")):
            for url, shown in pages.items():
                with self.subTest(url=url):
                    self.assertContains(self.client.get(url), shown)


class HostileMarkdownTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = create_admin()

    def setUp(self):
        self.client.force_login(self.admin)

    def post(self, text):
        return self.client.post("/add", {"title": "Hostile", "text": text})

    def test_scripts_handlers_and_javascript_links_never_reach_a_page(self):
        text = (
            "[click](javascript:alert(1)) <javascript:alert(2)> <a href='javascript:alert(3)'>a</a>"
            "\n\n<script>alert(4)</script>\n\n<p onclick='alert(5)'>p</p> <iframe src=x></iframe>"
            "\n\n<style>body{}</style> [data](data:text/html;base64,PHNjcmlwdD4=)"
        )
        self.assertRedirects(self.post(text), "/")
        page = self.client.get("/").content.decode()
        entry = page[page.index('<li class="entry"') :]
        for bad in ['href="javascript', "<script", "onclick", "<iframe", "<style", 'href="data']:
            with self.subTest(bad=bad):
                self.assertNotIn(bad, entry)

    def test_nesting_ten_thousand_levels_deep_is_a_clear_400(self):
        for text in [">" * 10_000 + " deep", "- " * 10_000 + "x", "<div>" * 10_000]:
            with self.subTest(text=text[:10]):
                response = self.post(text)
                self.assertContains(response, "nested too deeply", status_code=400)
                self.assertContains(response, escape(text[:50]), status_code=400)  # kept
        self.assertFalse(Entry.objects.exists())

    def test_a_100000_character_table_is_stored_and_shown(self):
        table = "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 9_990
        self.assertLessEqual(len(table), 100_000)
        self.assertRedirects(self.post(table), "/")
        entry = Entry.objects.get()
        self.assertEqual(entry.html.count("<tr>"), 9_991)
        self.assertContains(self.client.get(entry.get_absolute_url()), "<td>1</td>")


# Texts as the tutorial's form stored them before Markdown: sanitized HTML, typed by hand.
OLD_TEXTS = [
    "<strong>HTML</strong> allowed here",
    "Line one\n    indented, which Markdown would make code\n* not a list",
    '<p>A paragraph with <a href="https://example.com/" rel="noopener noreferrer nofollow">'
    "a link</a> and an_underscored_name.</p>\n\n<ul><li>one</li><li>two</li></ul>",
    "1. not a list either &amp; # not a heading <em>but emphasis</em>",
]


REBUILD_SEARCH_INDEX = "INSERT INTO entries_entry_fts(entries_entry_fts) VALUES ('rebuild')"


class EntriesWrittenBeforeMarkdownTests(TransactionTestCase):
    """Migration 0012: an entry written before keeps exactly the page it had."""

    def migrate(self, target):
        executor = MigrationExecutor(connection)
        executor.migrate([("entries", target)])
        if connection.vendor == "sqlite" and target.startswith("0011"):
            # Going back made the table anew without the search index's triggers, which a
            # database at 0011 has: they are made again, as 0012 makes them.
            migration = import_module("entries.migrations.0012_writing_tags_imports")
            with connection.cursor() as cursor:
                for statement in migration.SQLITE_TRIGGERS:
                    cursor.execute(statement)
                cursor.execute(REBUILD_SEARCH_INDEX)
        return executor.loader.project_state([("entries", target)]).apps

    def migrate_to_the_latest(self):
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    def tearDown(self):
        self.migrate_to_the_latest()
        caches["pages"].clear()  # A table of its own, which the flush leaves.

    def test_their_text_is_shown_exactly_as_before(self):
        old_apps = self.migrate("0011_trigram_indexes_without_pending_list")
        OldEntry = old_apps.get_model("entries", "Entry")
        for n, text in enumerate(OLD_TEXTS):
            OldEntry.objects.create(title=f"Old {n}", text=text)
        self.migrate("0012_writing_tags_imports")
        for n, text in enumerate(OLD_TEXTS):
            with self.subTest(n=n):
                entry = Entry.objects.get(title=f"Old {n}")
                self.assertEqual((entry.markup, entry.html, entry.text), ("html", text, text))
                self.assertEqual(entry.publish_at, entry.created_at)
                page = self.client.get(entry.get_absolute_url())
                self.assertContains(page, f'<div class="text">{text}</div>', html=False)
        # Edited later, an old entry stays HTML: its page changes only by what was typed.
        entry = Entry.objects.get(title="Old 1")
        entry.save()
        self.assertEqual(entry.html, OLD_TEXTS[1])

    def test_search_finds_an_entry_written_after_every_migration(self):
        """On SQLite, a migration that makes the table anew drops the search index's
        triggers: 0012 makes them again, and the migrations after it keep them (this test
        would find nothing without them). The search runs where the app's code does: on the
        latest schema."""
        self.migrate("0011_trigram_indexes_without_pending_list")
        self.migrate_to_the_latest()
        create_entry("Written after", "a quokka appears")
        self.assertContains(self.client.get("/search/?query=quokka"), "Written after")
