"""docs/deploy.md, "Production mode on your own machine": what the page says, checked.

A copy of the project after collectstatic, its own SQLite database (never flaskr.db), and
gunicorn as the page runs it: debug off, plain http (DJANGO_SECURE_SSL_REDIRECT=0, so the
cookies are Secure over http), bound to 127.0.0.1 in the command itself. Headless Chromium logs
in on http://localhost:PORT and on http://127.0.0.1:PORT; any other host name gets 400.
"""

import os
import socket
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from django.test import SimpleTestCase

from tests.system import require
from tests.system.test_browser import CHROMIUM, CHROMIUM_ARGS
from tools.servers import PRODUCTION_ENV, build, run, web_process

# The page's command, with the port the test picks.
COMMAND = "gunicorn flaskr_site.wsgi --config gunicorn.conf.py --bind 127.0.0.1:$PORT"
USERNAME = PRODUCTION_ENV["DJANGO_SUPERUSER_USERNAME"]
PASSWORD = PRODUCTION_ENV["DJANGO_SUPERUSER_PASSWORD"]


class LocalProductionTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tmp = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        app = build(tmp / "app")
        env = {
            **PRODUCTION_ENV,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{tmp / 'rehearsal.db'}",
        }
        run("python manage.py migrate --noinput", app, **env)
        run("python manage.py createsuperuser --noinput", app, **env)
        cls.base_url = cls.enterClassContext(web_process(COMMAND, cwd=app, **env))
        cls.port = int(cls.base_url.rsplit(":", 1)[1])

    def log_in_with_chromium(self, host):
        """Log in on http://HOST:PORT/login; return the page's text and the cookies kept."""
        require(os.path.exists(CHROMIUM), "Chromium (apt-get install chromium)")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()
                page = context.new_page()
                page.set_default_timeout(10_000)
                page.goto(f"http://{host}:{self.port}/login")
                page.get_by_label("Username").fill(USERNAME)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_load_state()
                return page.url, page.inner_text("body"), context.cookies()
            finally:
                browser.close()

    def assert_logs_in(self, host):
        url, text, cookies = self.log_in_with_chromium(host)
        self.assertEqual(url, f"http://{host}:{self.port}/")
        self.assertIn("You were logged in", text)
        self.assertEqual(
            {c["name"]: c["secure"] for c in cookies}, {"csrftoken": True, "sessionid": True}
        )

    def test_logging_in_works_on_localhost(self):
        self.assert_logs_in("localhost")

    def test_logging_in_works_on_127_0_0_1(self):
        self.assert_logs_in("127.0.0.1")

    def test_another_host_name_gets_400(self):
        for host in [f"192.0.2.10:{self.port}", "example.com"]:
            request = urllib.request.Request(f"{self.base_url}/", headers={"Host": host})
            with self.assertRaises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request, timeout=10)
            self.assertEqual(answer.exception.code, 400, host)

    def test_it_listens_on_127_0_0_1_only(self):
        # 127.0.0.2 is this machine too (the loopback is 127/8): a server bound to 0.0.0.0,
        # as gunicorn.conf.py binds it for Heroku, would answer there, and on the network.
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", self.port), timeout=5).close()
