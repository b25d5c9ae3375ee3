"""The deploy rehearsal (`make deploy-check`): what Heroku does with this repo, done here.

In a temporary directory holding a copy of the project: a fresh venv from requirements.txt
alone, collectstatic as the buildpack runs it (no database, no secret key), a PostgreSQL
database (tools.postgres: FLASKR_POSTGRES_URL, or a throwaway server of its own), the
Procfile's release: phase and `check --deploy`, a superuser from `createsuperuser --noinput`,
the web: process under honcho with production settings; then the main flows over HTTP as
they come through Heroku's https router.
"""

import re
import secrets
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from tests.system import postgres_database
from tools import postgres
from tools.servers import BASE_DIR, Client, copy_project, procfile, run, web_process

PASSWORD = secrets.token_urlsafe(16)


class DeployRehearsal(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        app = copy_project(Path(cls.enterClassContext(tempfile.TemporaryDirectory())) / "app")
        # A fresh venv from requirements.txt alone: a package missing from it fails here.
        python = (BASE_DIR / ".python-version").read_text().strip()
        run(
            f"python{python} -m venv .heroku && .heroku/bin/pip install -q -r requirements.txt", app
        )
        heroku_bin = app / ".heroku" / "bin"
        # As the buildpack runs it: no database, no secret key.
        run("python manage.py collectstatic --noinput", app, PATH=f"{heroku_bin}:/usr/bin:/bin")
        cls.database_url = postgres_database(cls.addClassCleanup)
        cls.env = {
            "PATH": f"{heroku_bin}:/usr/bin:/bin",
            "DATABASE_URL": cls.database_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SUPERUSER_USERNAME": "admin",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
            "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
        }
        cls.release = run(procfile("release"), app, **cls.env)
        cls.check = run("python manage.py check --deploy --fail-level WARNING", app, **cls.env)
        run("python manage.py createsuperuser --noinput", app, **cls.env)
        honcho = f"{Path(sys.executable).parent / 'honcho'} start web -p $PORT"
        cls.base_url = cls.enterClassContext(web_process(honcho, cwd=app, **cls.env))

    def browser(self):
        return Client(self.base_url)

    def test_the_release_phase_migrates_and_check_deploy_is_clean(self):
        self.assertIn("Applying entries.0001_initial... OK", self.release.stdout)
        self.assertIn("System check identified no issues", self.check.stdout)

    def test_health_index_static_files_and_headers(self):
        client = self.browser()
        self.assertEqual(client.request("/healthz")[::2], (200, "ok"))
        status, headers, page = client.request("/")
        self.assertEqual(status, 200)
        for header in ["Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options"]:
            self.assertIn(header, headers)
        css = re.search(r'href="(/static/style\.[0-9a-f]{12}\.css)"', page).group(1)
        status, headers, _ = client.request(css)
        self.assertEqual(status, 200)
        self.assertIn("immutable", headers["Cache-Control"])
        self.assertEqual(Client(self.base_url, https=False).request("/")[0], 301)

    def test_log_in_add_search_feed_and_delete(self):
        client = self.browser()
        status, _, _ = client.post("/login", {"username": "admin", "password": PASSWORD})
        self.assertEqual(status, 302)
        status, _, _ = client.post("/add", {"title": "Rehearsal", "text": "<em>deployed</em>"}, "/")
        self.assertEqual(status, 302)
        page = client.request("/")[2]
        self.assertIn("<em>deployed</em>", page)
        entry_id = re.search(r'<li class="entry" data-id="(\d+)">\s*<h2><a[^>]*>Rehearsal', page)[1]
        self.assertIn("Rehearsal", client.request("/search/?query=rehears")[2])
        self.assertIn("Rehearsal", client.request("/feed/")[2])
        status, _, body = client.post(
            f"/delete/{entry_id}", {}, "/", headers={"Accept": "application/json"}
        )
        self.assertEqual((status, '"status": 1' in body), (200, True))

    def test_cut_database_connections_are_survived(self):
        """CONN_HEALTH_CHECKS: a server restart or a maintenance cuts the app's connections."""
        client = self.browser()
        self.assertEqual(client.request("/")[0], 200)
        postgres.cut_connections(self.database_url)
        self.assertEqual(client.request("/healthz")[::2], (200, "ok"))
        self.assertEqual(client.request("/")[0], 200)

    def test_the_superuser_logs_in_to_the_admin(self):
        admin = self.browser()
        status, _, _ = admin.post(
            "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD}
        )
        self.assertEqual(status, 302)
        self.assertIn("Site administration", admin.request("/admin/")[2])
