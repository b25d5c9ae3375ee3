"""/admin/: Entry is listed, searchable and editable."""

from django.test import TestCase

from entries.models import Entry
from entries.tests.helpers import admin_form, create_entry, create_user


class EntryAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = create_user("boss", "pw", is_staff=True, is_superuser=True)
        cls.entry = create_entry("Findable title", "Body with a needle", author=cls.admin)
        create_entry("Other title", "Nothing here")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_entries_are_listed_with_title_author_and_time(self):
        response = self.client.get("/admin/entries/entry/")
        self.assertContains(response, "Findable title")
        self.assertContains(response, "Other title")
        self.assertContains(response, "column-author")
        self.assertContains(response, "column-status")
        self.assertContains(response, "column-publish_at")
        self.assertContains(response, 'aria-labelledby="date-hierarchy-label"')  # drill-down

    def test_entries_can_be_searched_by_title_and_text(self):
        response = self.client.get("/admin/entries/entry/", {"q": "needle"})
        self.assertContains(response, "Findable title")
        self.assertNotContains(response, "Other title")

    def test_an_entry_can_be_edited_and_stays_sanitized(self):
        url = f"/admin/entries/entry/{self.entry.pk}/change/"
        source = "<script>x()</script><em>new</em>"
        response = self.client.post(
            url, admin_form(title="Edited", text=source, author=self.admin.pk)
        )
        self.assertRedirects(response, "/admin/entries/entry/")
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.title, self.entry.text), ("Edited", source))
        self.assertEqual(self.entry.html, "<em>new</em>\n")

    def test_the_admin_shows_the_source_and_has_every_writing_field(self):
        entry = create_entry("Source", "# A *heading*", author=self.admin)
        entry.set_tags(["Django", "testing"])
        response = self.client.get(f"/admin/entries/entry/{entry.pk}/change/")
        self.assertContains(response, "# A *heading*</textarea>")
        self.assertContains(response, 'value="Django, testing"')
        for field in ["markup", "status", "publish_at", "author"]:
            with self.subTest(field=field):
                self.assertContains(response, f'name="{field}"')

    def test_the_list_filters_by_status_and_drills_down_by_publication(self):
        create_entry("A draft", status="draft")
        response = self.client.get("/admin/entries/entry/", {"status__exact": "draft"})
        self.assertContains(response, "A draft")
        self.assertNotContains(response, "Findable title")
        self.assertContains(response, "Filter by publish at")

    def test_anonymous_users_are_sent_to_the_admin_login(self):
        self.client.logout()
        response = self.client.get("/admin/entries/entry/")
        self.assertRedirects(response, "/admin/login/?next=/admin/entries/entry/")
        self.assertEqual(Entry.objects.count(), 2)
