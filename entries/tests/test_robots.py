"""GET /robots.txt: the blog open to crawlers, but for the pages with nothing to find, and
where the sitemap is."""

from django.test import TestCase, override_settings


class RobotsTests(TestCase):
    def test_the_blog_is_open_but_for_the_admin_login_drafts_and_search(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[0], "User-agent: *")
        disallowed = [line.removeprefix("Disallow: ") for line in lines if "Disallow" in line]
        self.assertEqual(disallowed, ["/admin/", "/login", "/drafts/", "/search/"])
        self.assertNotIn("Disallow: /", lines)  # Nothing else is closed.
        self.assertIn("Allow: /", lines)

    def test_it_names_the_sitemap_on_the_requests_host_over_https(self):
        response = self.client.get("/robots.txt")
        self.assertIn("Sitemap: https://testserver/sitemap.xml", response.content.decode())
        with override_settings(ALLOWED_HOSTS=["blog.example"]):
            response = self.client.get("/robots.txt", HTTP_HOST="blog.example")
        self.assertTrue(
            response.content.decode().endswith("\nSitemap: https://blog.example/sitemap.xml\n")
        )

    def test_it_costs_no_query(self):
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get("/robots.txt").status_code, 200)

    def test_head_answers_without_a_body_and_a_post_is_refused(self):
        response = self.client.head("/robots.txt")
        self.assertEqual((response.status_code, response.content), (200, b""))
        self.assertEqual(self.client.post("/robots.txt").status_code, 405)

    def test_browsers_and_proxies_may_keep_it_for_a_day(self):
        self.assertIn("max-age=86400", self.client.get("/robots.txt")["Cache-Control"])
