"""Two web: processes sharing one PostgreSQL database behave as one site."""

import re
import secrets

from django.db import connection
from django.test import TransactionTestCase

from entries.tests.servers import PRODUCTION_ENV, Client, procfile, run, web_process


class ScaleOutTests(TransactionTestCase):
    def test_two_web_processes_on_postgresql_share_sessions_and_entries(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        name = f"flaskr_scale_{secrets.token_hex(4)}"
        settings = connection.settings_dict
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        url = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@"
            f"{settings['HOST']}:{settings['PORT']}/{name}"
        )
        env = {**PRODUCTION_ENV, "DATABASE_URL": url}
        try:
            run(procfile("release"), **env)
            run("python manage.py createsuperuser --noinput", **env)
            with web_process(**env) as one, web_process(**env) as two:
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
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
