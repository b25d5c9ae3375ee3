"""POST /add: logged-in users post; everything else is refused and stores nothing."""

from django.test import TestCase

from entries.models import Entry
from entries.tests.helpers import create_admin, create_entry


class AddEntryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = create_admin()

    def setUp(self):
        self.client.force_login(self.user)

    def post(self, title="A title", text="Some text"):
        return self.client.post("/add", {"title": title, "text": text})

    def assert_refused(self, response, *shown):
        """400, the form shown again with what was typed, and nothing stored."""
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'class="errorlist', status_code=400)
        for text in shown:
            self.assertContains(response, text, status_code=400)
        self.assertEqual(Entry.objects.count(), 0)

    def test_it_stores_the_entry_and_redirects_home(self):
        response = self.post("First post", "Hello, world")
        self.assertRedirects(response, "/")
        entry = Entry.objects.get()
        self.assertEqual(
            (entry.title, entry.text, entry.author), ("First post", "Hello, world", self.user)
        )

    def test_home_then_shows_the_message_and_the_entry_on_top(self):
        create_entry("Older entry")
        self.post("Newest entry")
        response = self.client.get("/")
        self.assertContains(response, "New entry was successfully posted")
        content = response.content.decode()
        self.assertLess(content.index("Newest entry"), content.index("Older entry"))

    def test_it_refuses_anonymous_users(self):
        """401 and nothing stored."""
        self.client.logout()
        response = self.post()
        self.assertEqual(response.status_code, 401)
        self.assertContains(response, "please log in", status_code=401)
        self.assertEqual(Entry.objects.count(), 0)

    def test_logged_out_in_another_tab_the_refusal_still_shows_the_flash(self):
        self.client.post("/logout")  # its "You were logged out" waits for the next page
        response = self.post()
        self.assertContains(response, "You were logged out", status_code=401)
        self.assertContains(response, "please log in", status_code=401)

    def test_a_get_is_not_allowed(self):
        response = self.client.get("/add")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "POST")

    def test_it_rejects_a_blank_title(self):
        self.assert_refused(self.post(title="", text="Kept text"), "Kept text")

    def test_it_rejects_a_title_of_only_spaces(self):
        self.assert_refused(self.post(title="   ", text="Kept text"), "Kept text")

    def test_it_rejects_a_blank_text(self):
        self.assert_refused(self.post(title="Kept title", text=""), 'value="Kept title"')

    def test_it_rejects_a_missing_field(self):
        response = self.client.post("/add", {"title": "Only a title"})
        self.assert_refused(response, 'value="Only a title"')

    def test_it_accepts_a_title_of_200_characters(self):
        self.assertRedirects(self.post(title="t" * 200), "/")
        self.assertEqual(len(Entry.objects.get().title), 200)

    def test_it_rejects_a_title_of_201_characters(self):
        response = self.post(title="t" * 201, text="Kept text")
        self.assert_refused(response, "at most 200 characters", "t" * 201, "Kept text")

    def test_it_accepts_a_text_of_100000_characters(self):
        self.assertRedirects(self.post(text="x" * 100_000), "/")
        self.assertEqual(len(Entry.objects.get().text), 100_000)

    def test_it_rejects_a_text_over_100000_characters(self):
        self.assert_refused(self.post(title="Kept title", text="x" * 100_001), "at most 100000")

    def test_control_characters_are_dropped_and_the_rest_is_posted(self):
        """A NUL or another C0 control character: dropped, never a 400 or a 500."""
        response = self.post(title="a\x00b\x01c\x7f", text="x\x00y\x0bz\x1f")
        self.assertRedirects(response, "/")
        entry = Entry.objects.get()
        self.assertEqual((entry.title, entry.text), ("abc", "xyz"))

    def test_tabs_newlines_and_other_format_characters_are_kept(self):
        """The source is kept as typed; the page shows the text with them."""
        self.assertRedirects(self.post(title="a\tb", text="one\r\ntwo\u200bthree\t."), "/")
        entry = Entry.objects.get()
        self.assertEqual((entry.title, entry.text), ("a\tb", "one\r\ntwo\u200bthree\t."))
        self.assertEqual(entry.html, "<p>one\ntwo\u200bthree\t.</p>\n")

    def test_a_title_of_control_characters_only_is_blank(self):
        self.assert_refused(self.post(title="\x01\x02", text="Kept text"), "Kept text")

    def test_it_rejects_a_text_that_sanitizes_to_nothing(self):
        """Nothing would be left to show: refused like a blank text."""
        response = self.post(title="Kept title", text="<script>alert(1)</script>")
        self.assert_refused(response, "This field is required.", 'value="Kept title"')

    def test_the_length_limit_applies_to_the_text_as_typed(self):
        """What it renders to may be longer (a bare < is &lt;): the source is what is kept."""
        self.assertRedirects(self.post(text="x" * 99_990 + "<" * 10), "/")
        entry = Entry.objects.get()
        self.assertEqual(entry.text, "x" * 99_990 + "<" * 10)
        self.assertEqual(entry.html, f"<p>{'x' * 99_990}{'&lt;' * 10}</p>\n")

    def test_the_re_shown_form_escapes_what_was_typed(self):
        response = self.post(title='"><script>alert(1)</script>', text="")
        self.assert_refused(response, "&quot;&gt;&lt;script&gt;")
        self.assertNotContains(response, "<script>alert(1)", status_code=400)

    def test_any_unicode_is_stored_and_shown_back_intact(self):
        title = "Grüße, 世界 🎉 ‮ end"
        text = "Ünïcödé — ½ ≠ ∞, עברית, emoji 👩‍👩‍👧"
        self.assertRedirects(self.post(title, text), "/")
        entry = Entry.objects.get()
        self.assertEqual((entry.title, entry.text), (title, text))
        response = self.client.get(entry.get_absolute_url())
        self.assertContains(response, title)
        self.assertContains(response, text)
