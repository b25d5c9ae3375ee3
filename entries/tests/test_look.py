"""What the look relies on in the pages' markup: the stylesheet, and code blocks and tables
the keyboard can scroll (the look itself is measured in Chromium, tests/system/test_look.py)."""

from django.test import TestCase

from entries.tests.helpers import create_admin, create_entry

TEXT = "```\ncode\n```\n\n| a |\n|---|\n| 1 |\n\nSay `<pre>` or <code>&lt;table&gt;</code>."


class KeyboardScrollingTests(TestCase):
    def test_code_blocks_and_tables_take_the_focus_wherever_an_entry_shows(self):
        entry = create_entry("Wide things", TEXT)
        for path in ["/", entry.get_absolute_url(), "/search/?query=code"]:
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertContains(response, '<pre tabindex="0"><code>', count=1)
                self.assertContains(response, '<table tabindex="0">', count=1)

    def test_so_does_a_preview(self):
        self.client.force_login(create_admin())
        response = self.client.post("/add", {"title": "Wide", "text": TEXT, "preview": "1"})
        self.assertContains(response, '<pre tabindex="0">', count=1)
        self.assertContains(response, '<table tabindex="0">', count=1)

    def test_the_words_in_a_text_are_left_alone(self):
        response = self.client.get(create_entry("Words", TEXT).get_absolute_url())
        self.assertContains(response, "<code>&lt;pre&gt;</code>")
        self.assertContains(response, "<code>&lt;table&gt;</code>")


class StylesheetTests(TestCase):
    def test_every_page_links_the_stylesheet_and_nothing_from_elsewhere(self):
        entry = create_entry("Styled", "x")
        for path in ["/", entry.get_absolute_url(), "/login", "/no-such-page"]:
            with self.subTest(path=path):
                page = self.client.get(path).content.decode()
                self.assertIn('<link rel="stylesheet" href="/static/style.css">', page)
                self.assertNotIn('src="http', page)
                self.assertNotIn('href="//', page)
