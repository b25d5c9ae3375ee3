"""Every kind of page checked by outside tools: the W3C's Nu HTML Checker finds no error in its
markup; in Chromium, axe-core finds nothing serious or critical, in the light scheme and the
dark one, and no page logs an error or a CSP violation (the JSON-LD on an entry's page is
data, which `script-src 'self'` lets be).

The checker and axe-core are npm packages that `make test` installs into .cache/checkers
(tools/checkers.py). Locally a missing one skips; under CI it fails.
"""

from datetime import timedelta

from django.template import loader
from django.test import TestCase
from django.utils import timezone

from entries.tests.helpers import create_admin, create_entry, create_user, next_link
from tests.system import require
from tests.system.test_browser import ChromiumTestCase
from tools import checkers, demo

PASSWORD = "a-good-password"


def create_pages():
    """The demo blog (tools/demo.py: Markdown with code, a table and a quote; tags; more than a
    page of entries), a draft and a scheduled entry, and the admin who wrote them. Returns the
    URLs of the entries' pages."""
    entry = demo.create_blog()
    admin = create_admin("admin", PASSWORD)
    draft = create_entry("A draft", "Not *yet*.", author=admin, status="draft")
    create_entry("A plan", "Later.", author=admin, publish_at=timezone.now() + timedelta(days=1))
    reader = create_user("reader", PASSWORD)
    urls = {"entry": entry.get_absolute_url(), "draft": draft.get_absolute_url(), "pk": entry.pk}
    return urls, admin, reader


# What readers get, and what a writer gets once logged in.
READER_PAGES = {
    "index": "/",
    "older entries": None,  # The index's next page, found on the index.
    "entry": "{entry}",
    "tags": "/tags/",
    "tag": "/tags/django/",
    "search": "/search/?query=tutorial",
    "search form": "/search/",
    "login": "/login",
    "not found": "/no/such/page",
}
WRITER_PAGES = {
    "index, logged in": "/",
    "entry, logged in": "{entry}",
    "draft": "{draft}",
    "drafts": "/drafts/",
    "edit": "/entries/{pk}/edit/",
}
PREVIEW = {
    "title": "A preview",
    "text": "# Soon\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n> quoted",
    "tags": "x",
}


class MarkupTests(TestCase):
    """The Nu HTML Checker on each page's source, as the server sends it."""

    @classmethod
    def setUpTestData(cls):
        cls.urls, cls.admin, cls.reader = create_pages()

    def get(self, path):
        return self.client.get(path.format(**self.urls)).content.decode()

    def post(self, path, data):
        return self.client.post(path, data).content.decode()

    def test_every_page_is_valid_html(self):
        require(checkers.JAVA, "Java (apt-get install openjdk-17-jre-headless)")
        require(checkers.VNU_JAR.exists(), "the Nu HTML Checker (make test installs it)")
        pages = {name: self.get(path) for name, path in READER_PAGES.items() if path}
        pages["older entries"] = self.get("/" + next_link(self.client.get("/")))
        pages["please log in"] = self.post("/add", {"title": "x"})  # Not logged in: 401.
        pages["server error"] = loader.get_template("500.html").render()
        self.client.force_login(self.reader)
        pages["forbidden"] = self.get("/entries/{pk}/edit/")
        self.client.force_login(self.admin)
        pages |= {name: self.get(path) for name, path in WRITER_PAGES.items()}
        pages["add, with a preview"] = self.post("/add", {**PREVIEW, "preview": "1"})
        pages["add, with errors"] = self.post("/add", {"title": ""})
        self.assertIn('class="preview"', pages["add, with a preview"])
        errors = checkers.html_errors({**pages, "broken on purpose": "<p>No doctype"})
        self.assertTrue(errors.pop("broken on purpose"), "the checker finds errors")
        self.assertEqual({name: found for name, found in errors.items() if found}, {})


class AccessibilityTests(ChromiumTestCase):
    """axe-core in Chromium on each page, in both colour schemes."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        require(checkers.AXE_SCRIPT.exists(), "axe-core (make test installs it)")
        super().setUpClass()

    def setUp(self):
        super().setUp()
        self.urls, _, _ = create_pages()

    def check(self, scheme):
        context = self.browser.new_context(color_scheme=scheme)
        context.add_init_script(path=checkers.AXE_SCRIPT)
        self.addCleanup(context.close)
        page = self.new_page(context)
        found = {}
        for name, path in READER_PAGES.items():
            if path is None:
                page.goto(self.live_server_url + "/")
                page.get_by_role("link", name="Older entries").click()
            else:
                page.goto(self.live_server_url + path.format(**self.urls))
            found[name] = checkers.axe_violations(page)
        self.log_in(page, "admin", PASSWORD)
        for name, path in WRITER_PAGES.items():
            page.goto(self.live_server_url + path.format(**self.urls))
            found[name] = checkers.axe_violations(page)
        page.goto(self.live_server_url + "/")
        page.get_by_label("Title").fill(PREVIEW["title"])
        page.get_by_label("Text").fill(PREVIEW["text"])
        page.get_by_role("button", name="Preview").click()
        page.locator("article.preview h3").wait_for()
        found["add, with a preview"] = checkers.axe_violations(page)
        self.assertEqual({name: v for name, v in found.items() if v}, {})
        page.set_content('<img src="/static/none.png">')
        self.assertTrue(checkers.axe_violations(page), "axe finds what it should")
        # The not-found page's own 404 is the one error a page may log.
        self.assertEqual([p for p in self.problems if "404 (Not Found)" not in p], [])

    def test_nothing_serious_in_the_light_scheme(self):
        self.check("light")

    def test_nothing_serious_in_the_dark_scheme(self):
        self.check("dark")
