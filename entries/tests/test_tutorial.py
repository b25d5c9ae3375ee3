"""The Flaskr tutorial's tests, retold for Django, in the tutorial's order.

Each test is one red-green step of "Flaskr: intro to Flask, test-driven development
and jQuery"; its docstring names the step. The other test files pin down the rest.
"""

from django.db import connection
from django.test import TestCase

from entries.models import Entry
from entries.tests.helpers import PASSWORD, USERNAME, create_admin


class TutorialTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        create_admin(USERNAME, PASSWORD)

    def login(self, username, password):
        return self.client.post("/login", {"username": username, "password": password}, follow=True)

    def logout(self):
        return self.client.post("/logout", follow=True)

    def test_index(self):
        """Step 1, "first test": the app is set up and the index page answers."""
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)

    def test_database(self):
        """Step 2, "database setup": the database exists and holds the entries table."""
        self.assertIn(Entry._meta.db_table, connection.introspection.table_names())

    def test_empty_db(self):
        """Step 3, "templates and views": a blank database says so."""
        response = self.client.get("/")
        self.assertContains(response, "No entries yet. Add some!")

    def test_login_logout(self):
        """Step 4, "login and logout": the right and the two wrong credentials."""
        response = self.login(USERNAME, PASSWORD)
        self.assertContains(response, "You were logged in")
        response = self.logout()
        self.assertContains(response, "You were logged out")
        response = self.login(USERNAME + "x", PASSWORD)
        self.assertContains(response, "Invalid username")
        response = self.login(USERNAME, PASSWORD + "x")
        self.assertContains(response, "Invalid password")

    def test_messages(self):
        """Step 5, "add entries": a logged-in user posts; the title is escaped, the text is HTML."""
        self.login(USERNAME, PASSWORD)
        response = self.client.post(
            "/add",
            {"title": "<Hello>", "text": "<strong>HTML</strong> allowed here"},
            follow=True,
        )
        self.assertNotContains(response, "No entries yet. Add some!")
        self.assertContains(response, "&lt;Hello&gt;")
        self.assertContains(response, "<strong>HTML</strong> allowed here")

    def test_delete_message(self):
        """Step 6, "jQuery" and its homework: deleting over AJAX says 0 logged out, 1 logged in."""
        entry = Entry.objects.create(title="Delete me", text="soon")
        response = self.client.post(f"/delete/{entry.pk}", headers={"accept": "application/json"})
        self.assertEqual(response.json()["status"], 0)
        self.login(USERNAME, PASSWORD)
        response = self.client.post(f"/delete/{entry.pk}", headers={"accept": "application/json"})
        self.assertEqual(response.json()["status"], 1)
        self.assertFalse(Entry.objects.exists())
