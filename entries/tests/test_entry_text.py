"""Entry text and safety: the title is plain text, the text is sanitized HTML."""

import importlib
import json
import tempfile

from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import TestCase

from entries.models import Entry
from entries.tests.helpers import admin_form, create_admin, create_entry, create_user
from entries.text import sanitize_html

SAFE_REL = 'rel="noopener noreferrer nofollow"'


class SanitizeTests(TestCase):
    def test_formatting_lists_links_code_and_quotes_survive(self):
        kept = [
            "<strong>bold</strong> <em>it</em> <b>b</b> <i>i</i> <u>u</u> <s>s</s>",
            "<p>para</p><br>",
            "<ul><li>one</li></ul><ol><li>two</li></ol>",
            "<pre><code>print(1)</code></pre>",
            "<blockquote>quoted</blockquote> <q>short</q>",
            '<pre><code class="language-python">print(1)</code></pre>',
            '<table><tbody><tr><td class="align-right">1</td></tr></tbody></table>',
        ]
        for html in kept:
            with self.subTest(html=html):
                self.assertEqual(sanitize_html(html), html)

    def test_links_keep_their_href_and_get_a_safe_rel(self):
        self.assertEqual(
            sanitize_html('<a href="https://example.com/">x</a>'),
            '<a href="https://example.com/" rel="noopener noreferrer nofollow">x</a>',
        )

    def test_other_attributes_and_url_schemes_are_dropped(self):
        """Only the listed ones are kept, not whatever nh3 would allow by default."""
        cases = {
            '<a href="ftp://example.com/f" hreflang="en">x</a>': f"<a {SAFE_REL}>x</a>",
            '<a href="tel:+15550100">x</a>': f"<a {SAFE_REL}>x</a>",
            '<ol start="3" type="i"><li>x</li></ol>': "<ol><li>x</li></ol>",
            '<del cite="https://example.com/" datetime="2020-01-01">x</del>': "<del>x</del>",
            '<a href="mailto:a@x.example">x</a>': f'<a href="mailto:a@x.example" {SAFE_REL}>x</a>',
            '<p class="language-python">x</p>': "<p>x</p>",
            '<code class="hidden">x</code>': "<code>x</code>",
        }
        for dirty, clean in cases.items():
            with self.subTest(dirty=dirty):
                self.assertEqual(sanitize_html(dirty), clean)

    def test_dangerous_html_never_survives(self):
        cases = {
            "<script>alert(1)</script>ok": "ok",
            "<style>body{display:none}</style>ok": "ok",
            '<iframe src="https://evil.example/"></iframe>ok': "ok",
            '<p onclick="alert(1)">ok</p>': "<p>ok</p>",
            '<img src=x onerror="alert(1)">ok': "ok",
            '<a href="javascript:alert(1)">ok</a>': '<a rel="noopener noreferrer nofollow">ok</a>',
            '<a href="data:text/html,<script>alert(1)</script>">ok</a>': (
                '<a rel="noopener noreferrer nofollow">ok</a>'
            ),
            '<svg onload="alert(1)"></svg>ok': "ok",
            '<form action="/x"><input name=a></form>ok': "ok",
        }
        for dirty, clean in cases.items():
            with self.subTest(dirty=dirty):
                self.assertEqual(sanitize_html(dirty), clean)

    def test_saving_sanitizes_wherever_the_entry_comes_from(self):
        """The source is kept as typed; what pages show is sanitized."""
        entry = create_entry(text="<script>alert(1)</script><strong>kept</strong>")
        entry.refresh_from_db()
        self.assertEqual(entry.text, "<script>alert(1)</script><strong>kept</strong>")
        self.assertEqual(entry.html, "<strong>kept</strong>\n")

    def test_saving_some_fields_writes_only_those(self):
        entry = create_entry("Title", "Text")
        entry.title, entry.text = "New title", "Unsaved text"
        entry.save(update_fields=["title"])
        entry.refresh_from_db()
        self.assertEqual((entry.title, entry.text), ("New title", "Text"))

    def test_saving_some_fields_writes_what_pages_show_of_them(self):
        """A save of the title moves the entry's address; of its text or markup, changes what
        its page shows; of another field, writes that field."""
        entry = create_entry("Old title", "*old*")
        entry.title = "New title"
        entry.save(update_fields=["title"])
        self.assertRedirects(
            self.client.get(f"/entries/{entry.pk}/"),
            f"/entries/{entry.pk}-new-title/",
            status_code=301,
        )
        entry.text = "*new*"
        entry.save(update_fields=["text"])
        self.assertContains(self.client.get(entry.get_absolute_url()), "<em>new</em>")
        entry.markup = "html"
        entry.save(update_fields=["markup"])
        page = self.client.get(entry.get_absolute_url())
        self.assertContains(page, "*new*")
        self.assertNotContains(page, "<em>new</em>")
        entry.author = create_user("writer")
        entry.save(update_fields=["author"])
        self.assertContains(self.client.get("/"), "by writer,")


class EntryTextOnPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = create_admin()

    def test_a_posted_script_never_reaches_the_page(self):
        self.client.force_login(self.user)
        self.client.post(
            "/add",
            {"title": "<script>alert('t')</script>", "text": "<script>alert('x')</script>safe"},
        )
        entry = Entry.objects.get()
        self.assertEqual(entry.html, "safe\n")
        for url in ["/", entry.get_absolute_url()]:
            response = self.client.get(url)
            self.assertNotContains(response, "<script>alert")
            self.assertContains(response, "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;")

    def test_the_entry_str_is_its_title(self):
        self.assertEqual(str(create_entry("My title")), "My title")


class EveryPathTests(TestCase):
    """Control characters never reach the database, and what pages show is always rendered
    and sanitized, whichever way an entry is written."""

    DIRTY_TITLE = "Bell\x07 and\x00 delete\x7f"
    DIRTY_TEXT = "<script>alert(1)</script><em>ok</em>\x01\x0b"
    CLEAN = ("Bell and delete", "<script>alert(1)</script><em>ok</em>", "<em>ok</em>\n")

    def stored(self):
        return tuple(Entry.objects.values_list("title", "text", "html").get())

    def test_the_shell_create(self):
        create_entry(self.DIRTY_TITLE, self.DIRTY_TEXT)
        self.assertEqual(self.stored(), self.CLEAN)

    def test_bulk_create(self):
        Entry.objects.bulk_create([Entry(title=self.DIRTY_TITLE, text=self.DIRTY_TEXT)])
        self.assertEqual(self.stored(), self.CLEAN)

    def test_bulk_create_passes_its_options_on(self):
        """An import that meets an entry it made before (its import_ref) may skip it."""
        create_entry("Imported", import_ref="feed:1")
        again = [Entry(title="Imported again", text="t", import_ref="feed:1")]
        Entry.objects.bulk_create(again, ignore_conflicts=True)
        self.assertEqual(list(Entry.objects.values_list("title", flat=True)), ["Imported"])

    def test_queryset_update(self):
        create_entry()
        Entry.objects.update(title=self.DIRTY_TITLE, text=self.DIRTY_TEXT)
        self.assertEqual(self.stored(), self.CLEAN)

    def test_queryset_update_moves_the_address_and_renders_the_markup_given(self):
        entry = create_entry("Old title", "Old text")
        Entry.objects.update(title="New title", text="*kept* <b>bold</b>", markup="html")
        self.assertRedirects(
            self.client.get(f"/entries/{entry.pk}/"),
            f"/entries/{entry.pk}-new-title/",
            status_code=301,
        )
        self.assertContains(
            self.client.get(f"/entries/{entry.pk}-new-title/"), "*kept* <b>bold</b>"
        )

    def test_fixtures(self):
        fixture = [
            {
                "model": "entries.entry",
                "pk": 7,
                "fields": {
                    "title": self.DIRTY_TITLE,
                    "text": self.DIRTY_TEXT,
                    "created_at": "2026-01-01T00:00:00Z",
                },
            }
        ]
        with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
            json.dump(fixture, file)
            file.flush()
            call_command("loaddata", file.name, verbosity=0)
        self.assertEqual(self.stored(), self.CLEAN)

    def test_the_admin(self):
        admin = create_user("boss", "pw", is_staff=True, is_superuser=True)
        self.client.force_login(admin)
        form = admin_form(title="Bell\x07 and delete\x7f", text=self.DIRTY_TEXT)
        response = self.client.post("/admin/entries/entry/add/", form)
        self.assertRedirects(response, "/admin/entries/entry/")
        self.assertEqual(self.stored(), self.CLEAN)

    def test_the_admin_refuses_a_text_that_sanitizes_to_nothing_is_too_long_or_too_deep(self):
        admin = create_user("boss", "pw", is_staff=True, is_superuser=True)
        self.client.force_login(admin)
        for text, error in [
            ("<script>x</script>", "This field is required."),
            ("x" * 100_001, "at most 100000 characters"),
            (">" * 10_000 + " deep", "nested too deeply"),
        ]:
            form = admin_form(title="T", text=text)
            with self.subTest(error=error):
                response = self.client.post("/admin/entries/entry/add/", form)
                self.assertContains(response, error)
        self.assertFalse(Entry.objects.exists())

    def test_stored_rows_are_cleaned_by_a_data_migration(self):
        """Rows written before this release, by any path, are cleaned once by `migrate`."""
        entry = create_entry("Clean", "Clean")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE entries_entry SET title = %s, text = %s WHERE id = %s",
                ["Old\x01 title", "<em>old</em>\x1b<script>x</script>", entry.pk],
            )
        migration = importlib.import_module("entries.migrations.0005_clean_stored_text")
        migration.clean_stored_text(apps, None)
        self.assertEqual(self.stored()[:2], ("Old title", "<em>old</em>"))
