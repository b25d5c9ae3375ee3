"""Two web: processes sharing one PostgreSQL database behave as one site (two dynos)."""

import re
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from tests.system import postgres_database
from tools.servers import PRODUCTION_ENV, Client, build, procfile, run, web_process


class ScaleOutTests(SimpleTestCase):
    def test_two_web_processes_on_postgresql_share_sessions_and_entries(self):
        app = build(Path(self.enterContext(tempfile.TemporaryDirectory())) / "app")
        env = {**PRODUCTION_ENV, "DATABASE_URL": postgres_database(self.addCleanup)}
        run(procfile("release"), app, **env)
        run("python manage.py createsuperuser --noinput", app, **env)
        with web_process(cwd=app, **env) as one, web_process(cwd=app, **env) as two:
            first, second = Client(one), Client(two)
            first.post(
                "/login", {"username": "admin", "password": env["DJANGO_SUPERUSER_PASSWORD"]}
            )
            second.cookies = first.cookies  # The same browser, another dyno.
            status, _, _ = second.post("/add", {"title": "Shared", "text": "t"}, "/")
            self.assertEqual(status, 302)
            page = first.request("/")[2]
            self.assertIn("Shared", page)
            entry_id = re.search(r'data-id="(\d+)"', page).group(1)
            status, _, _ = first.post(f"/delete/{entry_id}", {}, "/")
            self.assertEqual(status, 302)
            for client in (first, second):
                self.assertIn("No entries yet. Add some!", client.request("/")[2])
