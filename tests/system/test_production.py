"""Production mode for real: collectstatic, the Procfile's release: and web: lines, gunicorn.

These start real processes, so they take a few seconds; they check what only a real
deploy shows (hashed static files, the https proxy header, refusing to run without a key).
They run in a copy of the project in a temporary directory, so that collectstatic writes
nothing into the working tree.
"""

import contextlib
import re
import sqlite3
import tempfile
import urllib.parse
from pathlib import Path

from django.test import SimpleTestCase

from tools.servers import PRODUCTION_ENV, Client, build, procfile, run, web_process


class ProductionServerTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tmp = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        app = build(tmp / "app")
        cls.env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp / 'p.db'}"}
        run(procfile("release"), app, **cls.env)
        run("python manage.py createsuperuser --noinput", app, **cls.env)
        cls.base_url = cls.enterClassContext(web_process(cwd=app, **cls.env))

    def http(self, https=True):
        return Client(self.base_url, https=https)

    def test_the_index_is_served_with_debug_off(self):
        status, headers, page = self.http().request("/")
        self.assertEqual(status, 200)
        self.assertIn("<title>Flaskr</title>", page)
        self.assertIn("No entries yet. Add some!", page)

    def test_static_files_have_hashed_names_and_far_future_caching(self):
        _, _, page = self.http().request("/")
        css = re.search(r'href="(/static/style\.[0-9a-f]{12}\.css)"', page).group(1)
        status, headers, body = self.http().request(css, headers={"Accept-Encoding": "br"})
        self.assertEqual(status, 200)
        self.assertIn("max-age=315360000", headers["Cache-Control"])
        self.assertIn("immutable", headers["Cache-Control"])
        self.assertEqual(headers["Content-Encoding"], "br")

    def test_djangos_admin_jquery_is_served_too(self):
        status, _, _ = self.http().request("/static/admin/js/vendor/jquery/jquery.min.js")
        self.assertEqual(status, 200)

    def test_a_page_that_does_not_exist_is_the_sites_own_404(self):
        status, _, page = self.http().request("/no/such/page")
        self.assertEqual(status, 404)
        self.assertIn("Flaskr", page)
        self.assertNotIn("Traceback", page)

    def test_a_form_posted_from_the_https_origin_passes_the_csrf_check(self):
        """Behind the router, X-Forwarded-Proto: https makes the request secure."""
        client = self.http()
        status, headers, _ = client.post(
            "/login", {"username": "admin", "password": PRODUCTION_ENV["DJANGO_SUPERUSER_PASSWORD"]}
        )
        self.assertEqual((status, headers["Location"]), (302, "/"))
        self.assertIn("You were logged in", client.request("/")[2])

    def test_the_superuser_logs_in_to_the_admin(self):
        client = self.http()
        status, headers, _ = client.post(
            "/admin/login/?next=/admin/",
            {"username": "admin", "password": PRODUCTION_ENV["DJANGO_SUPERUSER_PASSWORD"]},
        )
        self.assertEqual((status, headers["Location"]), (302, "/admin/"))
        self.assertIn("Site administration", client.request("/admin/")[2])

    def test_a_request_line_of_8_kb_reaches_the_site_not_a_bare_414(self):
        """The longest query the site takes, in CJK, percent-encoded, is about 0.9 KB; a
        reader who pastes more gets the search form and the error, not a server's page."""
        query = urllib.parse.quote("検索" * 430)  # 860 characters, 7.7 KB percent-encoded
        status, _, page = self.http().request(f"/search/?query={query}")
        self.assertEqual(status, 400)
        self.assertIn("at most 100 characters", page)
        self.assertIn('<form action="/search/"', page)

    def test_plain_http_is_redirected_to_https_but_healthz_is_not(self):
        client = self.http(https=False)
        status, headers, _ = client.request("/")
        self.assertEqual(status, 301)
        self.assertTrue(headers["Location"].startswith("https://"))
        self.assertEqual(client.request("/healthz")[:3:2], (200, "ok"))


class ProductionRefusalTests(SimpleTestCase):
    def test_without_a_secret_key_gunicorn_refuses_to_start(self):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
        with self.assertRaises(RuntimeError) as caught, web_process(**env):
            pass  # pragma: no cover - the server must not come up
        self.assertIn("DJANGO_SECRET_KEY is not set", str(caught.exception))

    def test_healthz_is_503_when_the_database_cannot_be_reached(self):
        env = {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:////nonexistent-dir/flaskr.db"}
        with web_process(**env) as base_url:
            status, headers, body = Client(base_url).request("/healthz")
        self.assertEqual(status, 503)
        self.assertTrue(body.startswith("database unavailable"))
        self.assertIn("no-store", headers["Cache-Control"])


class OperatorTests(SimpleTestCase):
    """What an operator of a real deploy sees: logs on stderr, HEAD, the cache across deploys."""

    def setUp(self):
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.app = build(self.tmp / "app")
        self.env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{self.tmp / 'p.db'}"}
        run(procfile("release"), self.app, **self.env)

    def test_a_failure_leaves_one_log_entry_with_the_traceback_and_the_request_id(self):
        with contextlib.closing(sqlite3.connect(self.tmp / "p.db")) as database:
            database.execute("DROP TABLE flaskr_pages")  # The index needs it; /healthz does not.
        with (
            open(self.tmp / "stderr.log", "w+") as log,
            web_process(cwd=self.app, stderr=log, **self.env) as base_url,
        ):
            status, _, page = Client(base_url).request("/", headers={"X-Request-ID": "req-42"})
        self.assertEqual(status, 500)
        self.assertIn("Something went wrong on our side. It has been logged", page)
        output = (self.tmp / "stderr.log").read_text()
        errors = [line for line in output.splitlines() if line.startswith("ERROR")]
        self.assertEqual(len(errors), 1, output)
        entry = output[output.index("ERROR django.request") :]
        self.assertIn("Traceback (most recent call last)", entry)
        self.assertTrue(entry.startswith("ERROR django.request request_id=req-42 GET / 500:"))
        self.assertIn("no such table: flaskr_pages", entry)

    def test_head_answers_200_without_a_body_and_the_favicon_is_served(self):
        with web_process(cwd=self.app, **self.env) as base_url:
            client = Client(base_url)
            for path in ["/", "/search/?query=x", "/feed/", "/healthz"]:
                with self.subTest(path=path):
                    status, headers, body = client.request(path, method="HEAD")
                    self.assertEqual((status, body), (200, ""))
                    self.assertNotEqual(headers["Content-Length"], "0")
            status, headers, _ = client.request("/favicon.ico")
            self.assertEqual(status, 200)
            self.assertIn(headers["Content-Type"], {"image/x-icon", "image/vnd.microsoft.icon"})

    def test_a_page_cached_by_one_build_is_not_served_by_the_next(self):
        """Both builds on one database: the second must not hand out the first's page,
        whose stylesheet no longer exists."""
        with web_process(cwd=self.app, **self.env) as base_url:
            first = stylesheet(Client(base_url).request("/")[2])
        with open(self.app / "static" / "style.css", "a") as css:
            css.write("\n/* the next deploy */\n")
        run("python manage.py collectstatic --noinput", self.app)
        with web_process(cwd=self.app, **self.env) as base_url:
            client = Client(base_url)
            second = stylesheet(client.request("/")[2])
            self.assertNotEqual(second, first)
            self.assertEqual(client.request(second)[0], 200)


def stylesheet(page):
    return re.search(r'href="(/static/style\.[0-9a-f]{12}\.css)"', page).group(1)
