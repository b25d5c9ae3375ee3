"""POST /delete/ID: JSON for scripts, a redirect for plain forms, nothing for anybody else."""

from django.test import Client, TestCase

from entries.models import Entry
from entries.tests.helpers import create_admin, create_entry

JSON = {"accept": "application/json"}


class DeleteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = create_admin()

    def setUp(self):
        self.entry = create_entry("Doomed")
        self.keeper = create_entry("Keeper")
        self.client.force_login(self.user)

    def assert_nothing_deleted(self):
        self.assertEqual(Entry.objects.count(), 2)

    def test_a_script_gets_json_and_the_entry_is_gone(self):
        response = self.client.post(f"/delete/{self.entry.pk}", headers=JSON)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": 1, "message": "Post Deleted"})
        self.assertEqual(list(Entry.objects.all()), [self.keeper])

    def test_jquerys_accept_header_counts_as_json(self):
        accept = "application/json, text/javascript, */*; q=0.01"
        response = self.client.post(f"/delete/{self.entry.pk}", headers={"accept": accept})
        self.assertEqual(response.json()["status"], 1)

    def test_a_plain_form_post_redirects_home_with_a_flash(self):
        response = self.client.post(f"/delete/{self.entry.pk}")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertContains(self.client.get("/"), "The entry was deleted.")
        self.assertEqual(list(Entry.objects.all()), [self.keeper])

    def test_anonymous_scripts_get_401_json(self):
        self.client.logout()
        response = self.client.post(f"/delete/{self.entry.pk}", headers=JSON)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json(), {"status": 0, "message": "Please log in."})
        self.assert_nothing_deleted()

    def test_anonymous_form_posts_get_401(self):
        self.client.logout()
        response = self.client.post(f"/delete/{self.entry.pk}")
        self.assertContains(response, "please log in", status_code=401)
        self.assert_nothing_deleted()

    def test_an_unknown_entry_is_404_json(self):
        response = self.client.post("/delete/999999", headers=JSON)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["status"], 0)
        self.assertTrue(response.json()["message"])
        self.assert_nothing_deleted()

    def test_an_unknown_entry_is_404_for_a_form_too(self):
        response = self.client.post("/delete/999999")
        self.assertEqual(response.status_code, 404)
        self.assert_nothing_deleted()

    def test_a_get_is_405_and_deletes_nothing(self):
        response = self.client.get(f"/delete/{self.entry.pk}")
        self.assertEqual(response.status_code, 405)
        self.assert_nothing_deleted()

    def test_a_post_without_the_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.user)
        response = client.post(f"/delete/{self.entry.pk}", headers=JSON)
        self.assertEqual(response.status_code, 403)
        self.assert_nothing_deleted()

    def test_the_x_csrftoken_header_is_accepted(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.user)
        token = client.get("/").context["csrf_token"]
        response = client.post(
            f"/delete/{self.entry.pk}", headers={**JSON, "x-csrftoken": str(token)}
        )
        self.assertEqual(response.json()["status"], 1)

    def test_each_entry_has_a_delete_form_when_logged_in(self):
        response = self.client.get("/")
        self.assertContains(
            response, f'<form method="post" action="/delete/{self.entry.pk}" class="delete">'
        )
        self.assertContains(response, 'aria-label="Delete Doomed"')
        self.assertContains(response, "admin/js/vendor/jquery/jquery.min.js")
        self.assertContains(response, 'src="/static/main.js"')

    def test_no_delete_forms_or_script_for_anonymous_readers(self):
        self.client.logout()
        response = self.client.get("/")
        self.assertNotContains(response, 'class="delete"')
        self.assertNotContains(response, "main.js")
