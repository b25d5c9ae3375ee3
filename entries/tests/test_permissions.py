"""Who may write what: Django's own permissions, and the author of an entry.

Posting needs entries.add_entry. The author of an entry may edit and delete it; anyone else
needs entries.change_entry / entries.delete_entry. Superusers hold every permission.
Logged in without the right: 403, nothing changed.
"""

from django.contrib.auth.models import Group
from django.test import TestCase

from entries.models import Entry
from entries.tests.helpers import admin_form, create_admin, create_entry, create_user, create_writer

JSON = {"headers": {"accept": "application/json"}}


class PermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = create_writer("author", "pw", "add_entry")
        cls.editor = create_writer("editor", "pw", "change_entry", "delete_entry")
        cls.reader = create_user("reader", "pw")  # an account, and no permission
        cls.entry = create_entry("By the author", "Text", author=cls.author)

    def as_user(self, user):
        self.client.force_login(user)
        return self.client

    def assertUnchanged(self):
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.title, self.entry.text), ("By the author", "Text"))

    # Posting

    def test_posting_needs_the_add_permission(self):
        response = self.as_user(self.reader).post("/add", {"title": "No", "text": "No"})
        self.assertContains(response, "Forbidden", status_code=403)
        self.assertFalse(Entry.objects.filter(title="No").exists())

    def test_a_writer_posts_and_is_the_author(self):
        response = self.as_user(self.author).post("/add", {"title": "Mine", "text": "t"})
        self.assertRedirects(response, "/")
        self.assertEqual(Entry.objects.get(title="Mine").author, self.author)

    def test_the_add_form_is_shown_only_to_those_who_may_post(self):
        self.assertNotContains(self.as_user(self.reader).get("/"), 'action="/add"')
        self.assertNotContains(self.as_user(self.editor).get("/"), 'action="/add"')
        self.assertContains(self.as_user(self.author).get("/"), 'action="/add"')

    # Deleting

    def test_the_author_deletes_their_own_entry(self):
        response = self.as_user(self.author).post(f"/delete/{self.entry.pk}", **JSON)
        self.assertEqual(response.json(), {"status": 1, "message": "Post Deleted"})
        self.assertFalse(Entry.objects.exists())

    def test_an_editor_with_the_delete_permission_deletes_anyones_entry(self):
        response = self.as_user(self.editor).post(f"/delete/{self.entry.pk}", **JSON)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Entry.objects.exists())

    def test_anyone_else_gets_403_in_json_and_nothing_is_deleted(self):
        other_writer = create_writer("other", "pw", "add_entry")
        for user in [self.reader, other_writer]:
            with self.subTest(user=user.username):
                response = self.as_user(user).post(f"/delete/{self.entry.pk}", **JSON)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["status"], 0)
                self.assertIn("may not", response.json()["message"])
        self.assertTrue(Entry.objects.filter(pk=self.entry.pk).exists())

    def test_a_plain_form_without_the_right_gets_the_403_page(self):
        response = self.as_user(self.reader).post(f"/delete/{self.entry.pk}")
        self.assertContains(response, "Forbidden", status_code=403)
        self.assertTrue(Entry.objects.filter(pk=self.entry.pk).exists())

    def test_delete_buttons_and_edit_links_show_only_where_they_work(self):
        someone_elses = create_entry("By someone else")
        edit, delete = f'href="/entries/{self.entry.pk}/edit/"', f'action="/delete/{self.entry.pk}"'
        other_edit = f'href="/entries/{someone_elses.pk}/edit/"'
        page = self.as_user(self.author).get("/")
        self.assertContains(page, edit)
        self.assertContains(page, delete)
        self.assertNotContains(page, other_edit)
        self.assertNotContains(page, f'action="/delete/{someone_elses.pk}"')
        page = self.as_user(self.reader).get("/")
        self.assertNotContains(page, "/edit/")
        self.assertNotContains(page, 'action="/delete/')
        self.assertContains(page, "log out")
        page = self.as_user(self.editor).get("/")
        self.assertContains(page, edit)
        self.assertContains(page, other_edit)

    # Editing

    def test_the_author_and_an_editor_may_edit(self):
        for user in [self.author, self.editor]:
            with self.subTest(user=user.username):
                url = f"/entries/{self.entry.pk}/edit/"
                self.assertEqual(self.as_user(user).get(url).status_code, 200)

    def test_anyone_else_gets_403_and_nothing_changes(self):
        url = f"/entries/{self.entry.pk}/edit/"
        for user in [self.reader, create_writer("other", "pw", "add_entry", "delete_entry")]:
            with self.subTest(user=user.username):
                client = self.as_user(user)
                self.assertContains(client.get(url), "Forbidden", status_code=403)
                response = client.post(url, {"title": "Taken over", "text": "x"})
                self.assertContains(response, "Forbidden", status_code=403)
        self.assertUnchanged()

    def test_superusers_hold_every_right(self):
        client = self.as_user(create_admin())
        url = f"/entries/{self.entry.pk}/edit/"
        response = client.post(url, {"title": "Fixed", "text": "t"})
        self.assertRedirects(response, f"/entries/{self.entry.pk}-fixed/")
        self.assertEqual(client.post(f"/delete/{self.entry.pk}", **JSON).status_code, 200)

    # The Writers group and the users who were there before

    def test_a_writers_group_gives_the_add_permission(self):
        writers = Group.objects.get(name="Writers")
        self.reader.groups.add(writers)
        response = self.as_user(self.reader).post("/add", {"title": "Now I may", "text": "t"})
        self.assertRedirects(response, "/")
        self.assertEqual(
            list(writers.permissions.values_list("codename", flat=True)), ["add_entry"]
        )


class AdminAgreesWithTheViewsTests(TestCase):
    """A staff user sees and changes in the admin only what the pages would let them."""

    @classmethod
    def setUpTestData(cls):
        cls.author = create_writer("author", "pw", "add_entry")
        cls.author.is_staff = True
        cls.author.save()
        cls.mine = create_entry("Mine", "t", author=cls.author)
        cls.theirs = create_entry("Theirs", "t")

    def setUp(self):
        self.client.force_login(self.author)

    def change(self, entry, title):
        return self.client.post(
            f"/admin/entries/entry/{entry.pk}/change/",
            admin_form(title=title, text="t"),
        )

    def test_an_author_lists_and_changes_only_their_own_entries(self):
        listing = self.client.get("/admin/entries/entry/")
        self.assertContains(listing, "Mine")
        self.assertNotContains(listing, "Theirs")
        self.assertRedirects(self.change(self.mine, "Mine, fixed"), "/admin/entries/entry/")
        self.mine.refresh_from_db()
        self.assertEqual(self.mine.title, "Mine, fixed")

    def test_an_author_cannot_change_or_delete_someone_elses(self):
        self.assertIn(self.change(self.theirs, "Taken over").status_code, {302, 403})
        delete = self.client.post(f"/admin/entries/entry/{self.theirs.pk}/delete/", {"post": "yes"})
        self.assertIn(delete.status_code, {302, 403})
        self.theirs.refresh_from_db()
        self.assertEqual(self.theirs.title, "Theirs")
        self.assertTrue(Entry.objects.filter(pk=self.theirs.pk).exists())

    def test_an_author_deletes_their_own_in_the_admin(self):
        response = self.client.post(f"/admin/entries/entry/{self.mine.pk}/delete/", {"post": "yes"})
        self.assertRedirects(response, "/admin/entries/entry/")
        self.assertFalse(Entry.objects.filter(pk=self.mine.pk).exists())

    def test_a_staff_user_who_may_delete_any_entry_deletes_someone_elses_in_the_admin(self):
        deleter = create_writer("deleter", "pw", "delete_entry")
        deleter.is_staff = True
        deleter.save()
        self.client.force_login(deleter)
        url = f"/admin/entries/entry/{self.theirs.pk}/delete/"
        self.assertContains(self.client.get(url), "Are you sure you want to delete")
        self.client.post(url, {"post": "yes"})
        self.assertFalse(Entry.objects.filter(pk=self.theirs.pk).exists())

    def test_a_staff_user_without_rights_sees_no_entries_in_the_admin(self):
        nobody = create_user("staff", "pw", is_staff=True)
        self.client.force_login(nobody)
        self.assertEqual(self.client.get("/admin/entries/entry/").status_code, 403)

    def test_an_entry_added_in_the_admin_is_written_by_whoever_adds_it(self):
        response = self.client.post(
            "/admin/entries/entry/add/",
            admin_form(title="From the admin", text="t"),
        )
        self.assertRedirects(response, "/admin/entries/entry/")
        self.assertEqual(Entry.objects.get(title="From the admin").author, self.author)


class AdminFieldsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = create_writer("writer", "pw", "add_entry")
        cls.editor = create_writer("editor", "pw", "change_entry")
        cls.viewer = create_writer("viewer", "pw", "view_entry")
        for user in [cls.writer, cls.editor, cls.viewer]:
            user.is_staff = True
            user.save()
        cls.entry = create_entry("Written", "t", author=cls.writer)

    def form(self, user):
        self.client.force_login(user)
        return self.client.get(f"/admin/entries/entry/{self.entry.pk}/change/")

    def test_an_author_sees_the_author_but_cannot_change_it(self):
        response = self.form(self.writer)
        self.assertNotContains(response, 'name="author"')
        self.assertContains(response, "writer")
        self.client.post(
            f"/admin/entries/entry/{self.entry.pk}/change/",
            admin_form(title="Mine", text="t", author=self.editor.pk),
        )
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.title, self.entry.author), ("Mine", self.writer))

    def test_an_editor_may_give_an_entry_another_author(self):
        self.assertContains(self.form(self.editor), 'name="author"')

    def test_a_viewer_sees_every_entry_and_changes_none(self):
        self.client.force_login(self.viewer)
        listing = self.client.get("/admin/entries/entry/")
        self.assertContains(listing, "Written")
        response = self.form(self.viewer)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="title"')

    def test_an_editor_adding_in_the_admin_keeps_the_author_given(self):
        self.client.force_login(create_admin("boss"))
        self.client.post(
            "/admin/entries/entry/add/",
            admin_form(title="For the writer", text="t", author=self.writer.pk),
        )
        self.assertEqual(Entry.objects.get(title="For the writer").author, self.writer)
