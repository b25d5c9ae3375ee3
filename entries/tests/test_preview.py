"""Preview: the add and edit forms show the entry as it will look, and store nothing."""

from django.test import TestCase

from entries.models import Entry
from entries.tests.helpers import create_admin, create_entry

TYPED = {"title": "<Almost>", "text": "# Soon\n\n*emphasis* <script>x</script>", "tags": "a, b"}


class PreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = create_admin()

    def setUp(self):
        self.client.force_login(self.admin)

    def test_preview_on_add_shows_the_entry_rendered_and_stores_nothing(self):
        response = self.client.post("/add", {**TYPED, "preview": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Entry.objects.exists())
        page = response.content.decode()
        preview = page[page.index('<article class="preview"') : page.index("</article>")]
        self.assertIn("&lt;Almost&gt;", preview)
        self.assertIn("<h3>Soon</h3>", preview)
        self.assertIn("<em>emphasis</em>", preview)
        self.assertNotIn("<script", preview)
        self.assertIn('<p class="meta">tagged a, b</p>', preview)
        # The form holds what was typed, ready to post.
        self.assertContains(response, 'value="&lt;Almost&gt;"')
        self.assertContains(
            response, "# Soon\n\n*emphasis* &lt;script&gt;x&lt;/script&gt;</textarea>"
        )
        self.assertContains(response, 'value="a, b"')

    def test_preview_of_invalid_input_is_a_400_with_the_errors(self):
        response = self.client.post("/add", {"title": "", "text": "x", "preview": "1"})
        self.assertContains(response, "This field is required.", status_code=400)
        self.assertNotContains(response, '<article class="preview"', status_code=400)
        self.assertFalse(Entry.objects.exists())

    def test_preview_on_edit_changes_nothing(self):
        entry = create_entry("Kept", "Kept text", author=self.admin)
        url = f"/entries/{entry.pk}/edit/"
        response = self.client.post(url, {**TYPED, "preview": "1"})
        self.assertContains(response, "<em>emphasis</em>")
        self.assertContains(response, f'action="{url}"')
        entry.refresh_from_db()
        self.assertEqual((entry.title, entry.text), ("Kept", "Kept text"))
        self.assertFalse(entry.tags.exists())

    def test_preview_logged_out_is_401_and_stores_nothing(self):
        self.client.logout()
        response = self.client.post("/add", {**TYPED, "preview": "1"})
        self.assertEqual(response.status_code, 401)
        self.assertFalse(Entry.objects.exists())

    def test_the_forms_have_a_preview_button(self):
        self.assertContains(self.client.get("/"), '<button type="submit" name="preview"')
        entry = create_entry("Kept", author=self.admin)
        self.assertContains(
            self.client.get(f"/entries/{entry.pk}/edit/"), '<button type="submit" name="preview"'
        )
