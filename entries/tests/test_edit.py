"""GET and POST /entries/ID/edit/: fixing a typo without the admin."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from entries.models import Entry
from entries.tests.helpers import create_entry, create_writer, titles


class EditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = create_writer("author", "pw", "add_entry")
        cls.created = timezone.now() - timedelta(days=3)
        cls.entry = create_entry("Tpyo", "<em>Some</em> text", author=cls.author)
        Entry.objects.filter(pk=cls.entry.pk).update(created_at=cls.created, publish_at=cls.created)
        cls.url = f"/entries/{cls.entry.pk}/edit/"

    def setUp(self):
        self.client.force_login(self.author)

    def edit(self, title="Typo", text="<em>Some</em> text, fixed"):
        return self.client.post(self.url, {"title": title, "text": text})

    def assert_refused(self, response, *shown):
        """400, the form shown again with what was typed, and nothing changed."""
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'class="errorlist', status_code=400)
        for text in shown:
            self.assertContains(response, text, status_code=400)
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.title, self.entry.text), ("Tpyo", "<em>Some</em> text"))

    def test_the_form_is_filled_in(self):
        response = self.client.get(self.url)
        self.assertContains(response, 'value="Tpyo"')
        self.assertContains(response, "&lt;em&gt;Some&lt;/em&gt; text</textarea>")
        self.assertContains(response, f'action="{self.url}"')
        self.assertContains(response, "<title>Edit Tpyo · Flaskr</title>")

    def test_a_valid_edit_is_saved_and_shown_with_a_flash(self):
        response = self.edit()
        url = f"/entries/{self.entry.pk}-typo/"  # The entry's canonical URL, with its new title.
        self.assertRedirects(response, url, fetch_redirect_response=False)
        page = self.client.get(response["Location"])
        self.assertContains(page, "The entry was updated.")
        self.assertContains(page, "<em>Some</em> text, fixed")
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.title, "Typo")

    def test_the_author_and_creation_time_stay(self):
        self.client.force_login(create_writer("editor", "pw", "change_entry"))
        self.edit()
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.author, self.author)
        self.assertEqual(self.entry.created_at, self.created)

    def test_it_validates_as_add_does(self):
        self.assert_refused(self.edit(title=""), "This field is required.")
        self.assert_refused(self.edit(title="t" * 201), "at most 200 characters", "t" * 201)
        self.assert_refused(self.edit(text="<script>x</script>"), "This field is required.")
        self.assert_refused(self.edit(text="x" * 100_001), "at most 100000")

    def test_the_edit_is_sanitized_and_cleaned_as_a_post_is(self):
        self.edit(title="Bell\x07", text="<script>x</script><strong>kept</strong>\x01")
        self.entry.refresh_from_db()
        source = "<script>x</script><strong>kept</strong>"
        self.assertEqual((self.entry.title, self.entry.text), ("Bell", source))
        self.assertEqual(self.entry.html, "<strong>kept</strong>\n")

    def test_every_cached_page_shows_the_edit_on_the_very_next_read(self):
        reader = self.client_class()
        page = self.entry.get_absolute_url()
        for url in ["/", "/search/?query=tpyo", page, "/feed/"]:
            self.assertContains(reader.get(url), "Tpyo")
        self.edit(title="Tpyo fixed")
        self.assertEqual(titles(reader.get("/")), ["Tpyo fixed"])
        self.assertEqual(titles(reader.get("/search/?query=tpyo")), ["Tpyo fixed"])
        # The old address answers 301 to the new one, which shows the change.
        self.assertContains(reader.get(page, follow=True), "Tpyo fixed")
        self.assertContains(reader.get("/feed/"), "Tpyo fixed")

    def test_the_feed_says_when_it_was_updated(self):
        self.edit()
        feed = self.client_class().get("/feed/").content.decode()
        self.entry.refresh_from_db()
        self.assertIn(f"<updated>{self.entry.updated_at.isoformat()}</updated>", feed)
        self.assertIn(f"<published>{self.created.isoformat()}</published>", feed)
        self.assertGreater(self.entry.updated_at, self.created)

    def test_logged_out_get_goes_to_the_login_and_post_is_401(self):
        self.client.logout()
        self.assertRedirects(
            self.client.get(self.url), f"/login?next={self.url}", fetch_redirect_response=False
        )
        response = self.edit()
        self.assertContains(response, "please log in", status_code=401)
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.title, "Tpyo")

    def test_an_unknown_entry_is_404(self):
        self.assertEqual(self.client.get("/entries/999/edit/").status_code, 404)
        self.assertEqual(self.client.post("/entries/999/edit/", {"title": "t"}).status_code, 404)

    def test_other_methods_are_not_allowed(self):
        self.assertEqual(self.client.put(self.url).status_code, 405)
