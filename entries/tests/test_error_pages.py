"""The site's own 400, 403, 404 and 500 pages: in the site's look, never a traceback."""

from django.template.loader import render_to_string
from django.test import TestCase


class ErrorPageTests(TestCase):
    def test_a_missing_page_is_the_sites_404(self):
        response = self.client.get("/no/such/page")
        self.assertContains(response, "Page not found", status_code=404)
        self.assertContains(response, '<link rel="stylesheet"', status_code=404)

    def test_a_bad_request_is_the_sites_400(self):
        response = self.client.get("/", {"before": "broken"})
        self.assertContains(response, "Bad request", status_code=400)

    def test_a_failed_csrf_check_is_the_sites_403(self):
        self.client.handler.enforce_csrf_checks = True
        response = self.client.post("/login", {"username": "a", "password": "b"})
        self.assertContains(response, "Forbidden", status_code=403)
        self.assertContains(response, '<link rel="stylesheet"', status_code=403)

    def test_the_500_page_renders_without_a_request(self):
        page = render_to_string("500.html")
        self.assertIn("Server error", page)
        self.assertNotIn("Traceback", page)
