"""/admin/: Entry is listed, searchable and editable."""

from django.test import TestCase

from entries.models import Entry
from entries.tests.helpers import create_entry, create_user


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
        self.assertContains(response, "column-created_at")
        self.assertContains(response, 'aria-labelledby="date-hierarchy-label"')  # drill-down

    def test_entries_can_be_searched_by_title_and_text(self):
        response = self.client.get("/admin/entries/entry/", {"q": "needle"})
        self.assertContains(response, "Findable title")
        self.assertNotContains(response, "Other title")

    def test_an_entry_can_be_edited_and_stays_sanitized(self):
        url = f"/admin/entries/entry/{self.entry.pk}/change/"
        response = self.client.post(
            url,
            {
                "title": "Edited",
                "text": "<script>x()</script><em>new</em>",
                "author": self.admin.pk,
                "created_at_0": "2026-01-02",
                "created_at_1": "03:04:05",
            },
        )
        self.assertRedirects(response, "/admin/entries/entry/")
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.title, self.entry.text), ("Edited", "<em>new</em>"))

    def test_anonymous_users_are_sent_to_the_admin_login(self):
        self.client.logout()
        response = self.client.get("/admin/entries/entry/")
        self.assertRedirects(response, "/admin/login/?next=/admin/entries/entry/")
        self.assertEqual(Entry.objects.count(), 2)
