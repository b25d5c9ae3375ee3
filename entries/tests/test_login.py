"""Logging in and out: Django's auth and sessions, with the tutorial's messages."""

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from entries.tests.helpers import PASSWORD, USERNAME, create_user


class LoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = create_user(USERNAME, PASSWORD, is_staff=True, is_superuser=True)

    def post_login(self, username=USERNAME, password=PASSWORD, **extra):
        return self.client.post("/login", {"username": username, "password": password, **extra})

    def test_the_login_page_has_the_form_and_a_csrf_token(self):
        """GET /login shows username, password and the CSRF token."""
        response = self.client.get("/login")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="username"')
        self.assertContains(response, 'name="password"')
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertContains(response, '<label for="id_username"')

    def test_an_unknown_username_is_refused(self):
        """The page says Invalid username, with status 200, and nobody is logged in."""
        response = self.post_login(username="nobody")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Invalid username")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_a_wrong_password_is_refused(self):
        """The page says Invalid password, with status 200, and nobody is logged in."""
        response = self.post_login(password="wrong")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Invalid password")
        self.assertNotContains(response, "Invalid username")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_blank_fields_are_refused(self):
        """Nothing typed: the form asks for both fields again."""
        response = self.post_login(username="", password="")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required.", count=2)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_right_credentials_log_in_and_redirect_home(self):
        """302 to /, which says You were logged in."""
        response = self.post_login()
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.user.pk))
        self.assertContains(self.client.get("/"), "You were logged in")

    def test_a_safe_next_is_honoured(self):
        response = self.post_login(next="/entries/1/")
        self.assertRedirects(response, "/entries/1/", fetch_redirect_response=False)

    def test_an_off_site_next_is_ignored(self):
        for next_url in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
            with self.subTest(next_url=next_url):
                response = self.post_login(next=next_url)
                self.assertRedirects(response, "/")

    def test_the_blog_and_the_admin_share_the_session(self):
        """Logged in on the blog, the admin opens without asking again."""
        self.post_login()
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Site administration")

    def test_an_admin_login_counts_on_the_blog(self):
        self.client.post("/admin/login/", {"username": USERNAME, "password": PASSWORD})
        response = self.client.get("/")
        self.assertContains(response, "log out")
        self.assertContains(response, 'action="/add"')

    def test_the_login_page_names_the_dev_account_only_with_debug_on(self):
        self.assertNotContains(self.client.get("/login"), "admin</strong> with the password")
        with override_settings(DEBUG=True):
            response = self.client.get("/login")
        self.assertContains(response, "<strong>admin</strong> with the password")


class LogoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = create_user()

    def setUp(self):
        self.client.force_login(self.user)

    def test_logout_is_a_post_that_redirects_home(self):
        """302 to /, which says You were logged out; the session is gone."""
        response = self.client.post("/logout")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertContains(self.client.get("/"), "You were logged out")

    def test_a_get_never_logs_anyone_out(self):
        response = self.client.get("/logout")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.user.pk))

    def test_every_page_has_the_log_out_button_when_logged_in(self):
        response = self.client.get("/")
        self.assertContains(response, '<form method="post" action="/logout"')
        self.assertNotContains(response, 'href="/login"')

    def test_every_page_has_the_log_in_link_when_logged_out(self):
        self.client.logout()
        response = self.client.get("/")
        self.assertContains(response, 'href="/login"')
        self.assertNotContains(response, 'action="/logout"')


class SessionStoreTests(TestCase):
    """Sessions live in the database and are read from the shared cache."""

    @classmethod
    def setUpTestData(cls):
        cls.user = create_user()

    def setUp(self):
        self.client.post("/login", {"username": USERNAME, "password": PASSWORD})

    def test_a_logged_in_request_reads_its_session_from_the_cache(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/")
        self.assertContains(response, "log out")
        self.assertFalse([query for query in queries if "django_session" in query["sql"]])

    def test_a_session_dropped_from_the_cache_is_read_from_the_database(self):
        cache.clear()
        self.assertContains(self.client.get("/"), "log out")

    def test_logging_out_ends_the_session_in_both(self):
        stolen = self.client.cookies["sessionid"].value
        self.client.post("/logout")
        self.client.cookies["sessionid"] = stolen
        self.assertNotContains(self.client.get("/"), "log out")
        cache.clear()
        self.assertNotContains(self.client.get("/"), "log out")
