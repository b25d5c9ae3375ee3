"""The script in a real browser: headless Chromium driven by Playwright.

Locally these skip when Chromium is missing; under CI they are required.
"""

import os
import shutil

from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from entries.models import Entry
from entries.tests.helpers import create_entry, create_user, create_writer
from tests.system import require

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are ordinary blocking calls, so let Django allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class ChromiumTestCase(StaticLiveServerTestCase):
    """A headless Chromium for each test class, a fresh context and page for each test."""

    @classmethod
    def setUpClass(cls):
        require(os.path.exists(CHROMIUM), "Chromium (apt-get install chromium)")
        from playwright.sync_api import sync_playwright

        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self):
        self.problems = []
        self.context = self.browser.new_context()
        self.page = self.new_page(self.context)

    def tearDown(self):
        self.context.close()

    def new_page(self, context):
        """A page that records console errors, uncaught exceptions and CSP violations."""
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.set_default_timeout(10_000)
        return page

    def log_in(self, page, username="reader", password="a-good-password"):
        page.goto(f"{self.live_server_url}/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("You were logged in").wait_for()
        # The flash shows as the page is parsed; main.js (deferred) runs just before "load".
        page.wait_for_load_state("load")


class BrowserTests(ChromiumTestCase):
    def setUp(self):
        super().setUp()
        self.user = create_user("reader", "a-good-password", is_staff=True, is_superuser=True)

    def test_log_in_add_and_delete_without_a_reload(self):
        self.log_in(self.page)
        self.page.get_by_label("Title").fill("Typed in the browser")
        self.page.get_by_label("Text").fill("<em>with</em> HTML")
        self.page.get_by_role("button", name="Share").click()
        self.page.get_by_text("New entry was successfully posted").wait_for()
        entry = Entry.objects.get()
        self.assertEqual((entry.title, entry.text), ("Typed in the browser", "<em>with</em> HTML"))

        self.page.evaluate("window.noReload = true")
        self.page.get_by_role("button", name="Delete Typed in the browser").click()
        self.page.locator(f'li.entry[data-id="{entry.pk}"]').wait_for(state="detached")
        self.page.get_by_text("Post Deleted").wait_for()
        self.assertTrue(self.page.evaluate("window.noReload === true"))
        self.assertFalse(Entry.objects.exists())
        self.assertEqual(self.problems, [])

    def test_a_failed_delete_keeps_the_entry_and_shows_the_error(self):
        entry = create_entry("Already gone elsewhere")
        self.log_in(self.page)
        Entry.objects.filter(pk=entry.pk).delete()  # Deleted behind the page's back.
        self.page.evaluate("window.noReload = true")
        self.page.get_by_role("button", name="Delete Already gone elsewhere").click()
        self.page.locator(".flash.error").get_by_text("No such entry.").wait_for()
        self.assertTrue(self.page.locator(f'li.entry[data-id="{entry.pk}"]').is_visible())
        self.assertTrue(self.page.evaluate("window.noReload === true"))
        # The 404 answer itself is logged by Chromium as a failed resource load.
        self.assertEqual([p for p in self.problems if "404" not in p], [])

    def test_delete_works_with_javascript_off(self):
        entry = create_entry("No script needed")
        context = self.browser.new_context(java_script_enabled=False)
        page = self.new_page(context)
        self.log_in(page)
        page.get_by_role("button", name="Delete No script needed").click()
        page.get_by_text("The entry was deleted.").wait_for()
        self.assertEqual(page.url, f"{self.live_server_url}/")
        self.assertFalse(Entry.objects.filter(pk=entry.pk).exists())
        context.close()

    def test_preview_shows_the_entry_as_it_will_look_and_stores_nothing(self):
        for javascript in [False, True]:
            with self.subTest(javascript=javascript):
                context = self.browser.new_context(java_script_enabled=javascript)
                page = self.new_page(context)
                self.log_in(page)
                page.get_by_label("Title").fill("Looking ahead")
                page.get_by_label("Text").fill("# Soon\n\n*emphasis*")
                if not javascript:
                    page.get_by_role("button", name="Preview").click()
                # With JavaScript, the preview follows the typing, with no click.
                preview = page.locator("article.preview")
                preview.locator("h3", has_text="Soon").wait_for()
                self.assertEqual(preview.locator("em").inner_text(), "emphasis")
                self.assertEqual(page.get_by_label("Title").input_value(), "Looking ahead")
                self.assertFalse(Entry.objects.exists())
                context.close()
        self.assertEqual(self.problems, [])

    def test_no_page_logs_an_error_or_a_csp_violation(self):
        entry = create_entry("Look at me", "<strong>bold</strong>")
        paths = ["/", "/login", f"/entries/{entry.pk}/", "/no-such-page"]
        for path in paths:
            self.page.goto(self.live_server_url + path)
        self.log_in(self.page)
        for path in paths + ["/admin/", "/admin/entries/entry/"]:
            self.page.goto(self.live_server_url + path)
        errors = [p for p in self.problems if "404 (Not Found)" not in p]
        self.assertEqual(errors, [])


class PermissionsInTheBrowserTests(ChromiumTestCase):
    """An author, an editor and a reader without rights, each in their own browser."""

    def test_an_author_edits_and_deletes_their_own_entry_but_not_anothers(self):
        author = create_writer("author", "author-password", "add_entry")
        mine = create_entry("My entry", author=author)
        create_entry("Not mine")
        self.log_in(self.page, "author", "author-password")
        self.assertEqual(self.page.get_by_role("button", name="Delete Not mine").count(), 0)
        self.assertEqual(self.page.get_by_role("link", name="Edit Not mine").count(), 0)

        self.page.get_by_role("link", name="Edit My entry").click()
        self.page.get_by_label("Title").fill("My entry, fixed")
        self.page.get_by_role("button", name="Save").click()
        self.page.get_by_text("The entry was updated.").wait_for()
        self.page.goto(self.live_server_url + "/")

        self.page.evaluate("window.noReload = true")
        self.page.get_by_role("button", name="Delete My entry, fixed").click()
        self.page.locator(f'li.entry[data-id="{mine.pk}"]').wait_for(state="detached")
        self.assertTrue(self.page.evaluate("window.noReload === true"))
        self.assertEqual(list(Entry.objects.values_list("title", flat=True)), ["Not mine"])
        self.assertEqual(self.problems, [])

    def test_an_editor_deletes_anyones_entry_without_a_reload(self):
        create_writer("editor", "editor-password", "change_entry", "delete_entry")
        entry = create_entry("Someone's entry")
        self.log_in(self.page, "editor", "editor-password")
        self.assertEqual(self.page.get_by_role("button", name="Share").count(), 0)
        self.page.get_by_role("button", name="Delete Someone's entry").click()
        self.page.locator(f'li.entry[data-id="{entry.pk}"]').wait_for(state="detached")
        self.page.get_by_text("Post Deleted").wait_for()
        self.assertFalse(Entry.objects.exists())
        self.assertEqual(self.problems, [])

    def test_a_reader_without_rights_sees_no_form_and_no_buttons(self):
        create_user("plain", "plain-password")
        create_entry("Read only")
        self.log_in(self.page, "plain", "plain-password")
        self.assertEqual(self.page.get_by_role("button", name="Share").count(), 0)
        self.assertEqual(self.page.get_by_role("button", name="Delete Read only").count(), 0)
        self.assertEqual(self.page.get_by_role("link", name="Edit Read only").count(), 0)
        self.page.get_by_role("button", name="log out").wait_for()
        self.assertEqual(self.problems, [])
