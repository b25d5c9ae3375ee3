"""Production headers, cookies, login throttling and `check --deploy` (debug off)."""

import os
from datetime import timedelta
from unittest import mock

from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import TestCase
from django.utils import timezone

from entries.tests.helpers import PASSWORD, USERNAME, create_entry, create_user
from tools.servers import run

HTTPS = {"headers": {"x-forwarded-proto": "https"}}


class HeaderTests(TestCase):
    def test_pages_carry_the_production_headers(self):
        response = self.client.get("/", **HTTPS)
        self.assertEqual(
            response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains; preload"
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")

    def test_the_csp_allows_no_inline_script(self):
        csp = self.client.get("/")["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        self.assertEqual(directives["default-src"], "'self'")
        self.assertEqual(directives["script-src"], "'self'")
        self.assertNotIn("unsafe-inline", csp)

    def test_hsts_is_only_sent_over_https(self):
        self.assertNotIn("Strict-Transport-Security", self.client.get("/"))

    def test_session_and_csrf_cookies_are_secure(self):
        create_user()
        response = self.client.post("/login", {"username": USERNAME, "password": PASSWORD}, **HTTPS)
        session = response.cookies["sessionid"]
        self.assertTrue(session["secure"])
        self.assertTrue(session["httponly"])
        self.assertEqual(session["samesite"], "Lax")
        self.assertTrue(response.cookies["csrftoken"]["secure"])


class ThrottlingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = create_user(is_staff=True, is_superuser=True)

    def fail(self, times, address="10.0.0.1"):
        """Fail `times` times; the fifth failure is itself answered with 429."""
        for attempt in range(1, times + 1):
            response = self.client.post(
                "/login", {"username": USERNAME, "password": "wrong"}, REMOTE_ADDR=address
            )
            self.assertEqual(response.status_code, 429 if attempt >= 5 else 200)

    def log_in(self, path="/login", address="10.0.0.1"):
        return self.client.post(
            path, {"username": USERNAME, "password": PASSWORD}, REMOTE_ADDR=address
        )

    def test_four_failures_still_let_the_right_password_in(self):
        self.fail(4)
        self.assertRedirects(self.log_in(), "/", fetch_redirect_response=False)

    def test_after_five_failures_even_the_right_password_gets_429(self):
        self.fail(5)
        response = self.log_in()
        self.assertContains(response, "Too many failed logins", status_code=429)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_admin_login_is_locked_the_same_way(self):
        self.fail(5)
        response = self.log_in("/admin/login/?next=/admin/")
        self.assertEqual(response.status_code, 429)

    def test_the_lock_is_for_that_username_from_that_address_only(self):
        self.fail(5)
        self.assertRedirects(self.log_in(address="10.0.0.2"), "/", fetch_redirect_response=False)
        self.client.logout()
        other = create_user("other", "other-password")
        response = self.client.post(
            "/login", {"username": "other", "password": "other-password"}, REMOTE_ADDR="10.0.0.1"
        )
        self.assertEqual(self.client.session[SESSION_KEY], str(other.pk), response)

    def test_the_lock_ends_after_the_fifteen_minute_cool_off(self):
        self.fail(5)
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
        self.assertRedirects(self.log_in(), "/", fetch_redirect_response=False)


class DeployCheckTests(TestCase):
    def test_check_deploy_reports_no_issues_with_production_settings(self):
        result = run(
            "python manage.py check --deploy --fail-level WARNING",
            DJANGO_SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        )
        self.assertIn("System check identified no issues", result.stdout)


class ClientAddressTests(TestCase):
    def request(self, **meta):
        from django.test import RequestFactory

        return RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", **meta)

    def test_off_heroku_the_forwarded_header_is_not_trusted(self):
        from flaskr_site.env import client_ip

        request = self.request(HTTP_X_FORWARDED_FOR="1.2.3.4")
        with mock.patch.dict(os.environ, {"DYNO": ""}):
            self.assertEqual(client_ip(request), "10.1.1.1")

    def test_on_heroku_the_routers_last_forwarded_address_counts(self):
        from flaskr_site.env import client_ip

        for forwarded in ["6.6.6.6, 5.6.7.8", "6.6.6.6,7.7.7.7,5.6.7.8", "5.6.7.8"]:
            request = self.request(HTTP_X_FORWARDED_FOR=forwarded)
            with self.subTest(forwarded=forwarded), mock.patch.dict(os.environ, {"DYNO": "web.1"}):
                self.assertEqual(client_ip(request), "5.6.7.8")

    def test_on_heroku_without_the_header_the_peer_address_counts(self):
        from flaskr_site.env import client_ip

        with mock.patch.dict(os.environ, {"DYNO": "web.1"}):
            self.assertEqual(client_ip(self.request()), "10.1.1.1")


class HeadAndFaviconTests(TestCase):
    def test_head_answers_wherever_get_does_without_a_body(self):
        entry = create_entry("An entry")
        for url in ["/", "/search/?query=entry", entry.get_absolute_url(), "/feed/", "/healthz"]:
            with self.subTest(url=url):
                response = self.client.head(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.content, b"")

    def test_the_favicon_is_an_image(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 200)
        self.assertIn(response["Content-Type"], {"image/x-icon", "image/vnd.microsoft.icon"})
        self.assertEqual(b"".join(response.streaming_content)[:4], b"\x00\x00\x01\x00")

    def test_pages_say_which_browser_features_they_never_use(self):
        policy = self.client.get("/")["Permissions-Policy"]
        for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"]:
            self.assertIn(feature, policy)


class SprayingTests(TestCase):
    """Many usernames from one address: 30 failures within 15 minutes close that address."""

    @classmethod
    def setUpTestData(cls):
        cls.user = create_user("real", "right-password")

    def spray(self, count, address="10.0.0.9"):
        for n in range(count):
            username = f"guess{n // 4}"  # 4 tries a name: never the 5 that lock one username
            self.client.post(
                "/login", {"username": username, "password": "wrong"}, REMOTE_ADDR=address
            )

    def log_in(self, address="10.0.0.9"):
        return self.client.post(
            "/login", {"username": "real", "password": "right-password"}, REMOTE_ADDR=address
        )

    def test_29_failures_from_one_address_still_let_a_right_password_in(self):
        self.spray(29)
        self.assertRedirects(self.log_in(), "/", fetch_redirect_response=False)

    def test_after_30_failures_every_login_from_the_address_is_429(self):
        self.spray(30)
        response = self.log_in()
        self.assertContains(response, "Too many failed logins", status_code=429)
        self.assertNotContains(response, "real", status_code=429)
        self.assertNotIn(SESSION_KEY, self.client.session)
        admin = self.client.post(
            "/admin/login/",
            {"username": "real", "password": "right-password"},
            REMOTE_ADDR="10.0.0.9",
        )
        self.assertEqual(admin.status_code, 429)

    def test_the_refusal_is_logged_with_the_address_and_its_failures(self):
        """What the operator sees of a spray: a warning naming the address."""
        self.spray(30)
        with self.assertLogs("entries.throttling", "WARNING") as logs:
            self.log_in()
        self.assertIn("10.0.0.9: 30 failed logins", logs.output[0])

    def test_other_addresses_are_not_affected(self):
        self.spray(30)
        self.assertRedirects(self.log_in("10.0.0.10"), "/", fetch_redirect_response=False)

    def test_the_address_opens_again_after_the_cool_off(self):
        self.spray(30)
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
        self.assertRedirects(self.log_in(), "/", fetch_redirect_response=False)
