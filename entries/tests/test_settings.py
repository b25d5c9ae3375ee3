"""Settings read the environment as docs/reference.md's configuration table says.

Each EnvironmentTests case imports the settings in a fresh Python with exactly the
environment given, so what is checked is what a real process would see. The functions
the settings use are also checked one by one, here in the test process.
"""

import json
import os
import subprocess
import sys
import tempfile
from unittest import mock

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.http.request import validate_host
from django.test import SimpleTestCase, TestCase, override_settings

from flaskr_site.env import env_bool, env_choice, env_list, env_time_zone, require_secret_key

PROBE = """
import json
from flaskr_site import settings as s
db = s.DATABASES["default"]
print(json.dumps({"debug": s.DEBUG, "hosts": s.ALLOWED_HOSTS, "engine": db["ENGINE"],
                  "name": str(db["NAME"]), "host": db.get("HOST"), "key": s.SECRET_KEY,
                  "redirect": s.SECURE_SSL_REDIRECT, "health": db["CONN_HEALTH_CHECKS"],
                  "log_level": s.LOGGING["root"]["level"],
                  "blog": [s.BLOG_TITLE, s.BLOG_DESCRIPTION], "zone": s.TIME_ZONE}))
"""


def run_python(code, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def read_settings(**env):
    result = run_python(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class EnvironmentTests(SimpleTestCase):
    def test_the_defaults_are_safe(self):
        """Debug off, local hosts only, SQLite in the project root, https redirect on."""
        found = read_settings()
        self.assertFalse(found["debug"])
        self.assertEqual(found["hosts"], ["localhost", "127.0.0.1", "[::1]"])
        self.assertEqual(found["engine"], "django.db.backends.sqlite3")
        self.assertEqual(found["name"], str(settings.BASE_DIR / "flaskr.db"))
        self.assertTrue(found["redirect"])
        self.assertEqual(found["key"], "")

    def test_the_blogs_name_and_description_come_from_the_environment(self):
        found = read_settings(BLOG_TITLE=" Notes ", BLOG_DESCRIPTION="Small and sharp.")
        self.assertEqual(found["blog"], ["Notes", "Small and sharp."])
        # Blank is the default, as if unset: a page never has an empty name.
        title, description = read_settings(BLOG_TITLE=" ", BLOG_DESCRIPTION="")["blog"]
        self.assertEqual(title, "Flaskr")
        self.assertTrue(description)

    def test_debug_takes_the_usual_spellings(self):
        for value, expected in [("1", True), ("true", True), ("YES", True), ("0", False)]:
            with self.subTest(value=value):
                self.assertIs(read_settings(DJANGO_DEBUG=value)["debug"], expected)

    def test_the_blogs_time_zone_is_utc_unless_named(self):
        self.assertEqual(read_settings()["zone"], "UTC")
        self.assertEqual(read_settings(DJANGO_TIME_ZONE=" Europe/Paris ")["zone"], "Europe/Paris")

    def test_a_time_zone_that_is_not_one_is_a_clear_error(self):
        for name in ["Mars/Olympus", "../../etc/passwd", "UTC+2"]:
            with self.subTest(name=name):
                result = run_python(PROBE, DJANGO_TIME_ZONE=name)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("DJANGO_TIME_ZONE must be an IANA time zone name", result.stderr)
                self.assertIn(repr(name), result.stderr)

    def test_a_bad_debug_value_is_a_clear_error(self):
        result = run_python(PROBE, DJANGO_DEBUG="maybe")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_DEBUG must be", result.stderr)

    def test_debug_on_brings_a_dev_key_and_no_redirect(self):
        found = read_settings(DJANGO_DEBUG="1")
        self.assertTrue(found["key"].startswith("django-insecure-"))
        self.assertFalse(found["redirect"])

    def test_the_secret_key_and_hosts_come_from_the_environment(self):
        found = read_settings(
            DJANGO_SECRET_KEY="s3cret", DJANGO_ALLOWED_HOSTS="a.example, b.example"
        )
        self.assertEqual(found["key"], "s3cret")
        self.assertEqual(found["hosts"], ["a.example", "b.example"])

    def test_on_heroku_the_apps_own_host_is_allowed(self):
        found = read_settings(DYNO="web.1", HEROKU_APP_DEFAULT_DOMAIN_NAME="flaskr.herokuapp.com")
        self.assertEqual(found["hosts"][-1], "flaskr.herokuapp.com")

    def test_a_heroku_button_deploy_answers_on_its_herokuapp_host(self):
        """Without the dyno metadata (a Button deploy has none), the app's own
        <name>-<random>.herokuapp.com host, unknown beforehand, is allowed; other names are not."""
        hosts = read_settings(DYNO="web.1")["hosts"]
        self.assertTrue(validate_host("flaskr-1a2b3c4d5e6f.herokuapp.com", hosts))
        self.assertTrue(validate_host("localhost", hosts))
        for other in ["herokuapp.com.example", "example.com", "flaskr.herokuapp.com.evil"]:
            self.assertFalse(validate_host(other, hosts), other)

    def test_the_heroku_button_asks_for_no_host(self):
        """app.json: the Button's form may leave the hosts empty, the settings above allow it."""
        app = json.loads((settings.BASE_DIR / "app.json").read_text())
        self.assertIs(app["env"]["DJANGO_ALLOWED_HOSTS"]["required"], False)

    def test_off_heroku_no_herokuapp_host_is_allowed(self):
        hosts = read_settings(HEROKU_APP_DEFAULT_DOMAIN_NAME="flaskr.herokuapp.com")["hosts"]
        self.assertFalse(validate_host("flaskr.herokuapp.com", hosts))

    def test_the_redirect_can_be_switched_off(self):
        self.assertFalse(read_settings(DJANGO_SECURE_SSL_REDIRECT="0")["redirect"])

    def test_herokus_postgres_url_is_understood(self):
        for scheme in ["postgres", "postgresql"]:
            with self.subTest(scheme=scheme):
                found = read_settings(DATABASE_URL=f"{scheme}://u:p@db.example:5432/flaskr")
                self.assertEqual(found["engine"], "django.db.backends.postgresql")
                self.assertEqual((found["host"], found["name"]), ("db.example", "flaskr"))
                self.assertTrue(found["health"])

    def test_without_a_secret_key_the_app_refuses_to_serve(self):
        """Importing the WSGI app fails with one clear error naming the variable."""
        result = run_python("import flaskr_site.wsgi")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured: DJANGO_SECRET_KEY is not set", result.stderr)

    def test_with_a_secret_key_the_app_loads(self):
        result = run_python("import flaskr_site.wsgi; print('loaded')", DJANGO_SECRET_KEY="k")
        self.assertEqual(result.stdout.strip(), "loaded", result.stderr)

    def test_build_commands_work_without_a_key_or_a_database(self):
        result = run_python(
            "from django.core.management import call_command; import django, os;"
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'flaskr_site.settings'; django.setup();"
            "call_command('check')",
            DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
        )
        self.assertEqual(result.returncode, 0, result.stderr)


class SQLiteDurabilityTests(TestCase):
    def test_an_acknowledged_post_survives_a_power_cut(self):
        """WAL with synchronous=FULL: each commit is on disk before the post is answered."""
        if connection.vendor != "sqlite":
            self.skipTest("SQLite only")
        # The test database is in memory: open a file database as the settings configure one.
        with tempfile.TemporaryDirectory() as tmp:
            settings_dict = {**connection.settings_dict, "NAME": f"{tmp}/f.db"}
            database = type(connections["default"])(settings_dict, alias="file")
            with database.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                self.assertEqual(cursor.fetchone()[0], "wal")
                cursor.execute("PRAGMA synchronous")
                self.assertEqual(cursor.fetchone()[0], 2)  # FULL
            database.close()


class EnvBoolTests(SimpleTestCase):
    """env_bool() reads DJANGO_DEBUG and DJANGO_SECURE_SSL_REDIRECT."""

    def read(self, value, default):
        """env_bool("FLASKR_FLAG", default) with the variable set to value (None: unset)."""
        with mock.patch.dict(os.environ):
            os.environ.pop("FLASKR_FLAG", None)
            if value is not None:
                os.environ["FLASKR_FLAG"] = value
            return env_bool("FLASKR_FLAG", default)

    def test_unset_or_blank_gives_the_default(self):
        for value in [None, "", "  "]:
            for default in [False, True]:
                with self.subTest(value=value, default=default):
                    self.assertIs(self.read(value, default), default)

    def test_each_yes_spelling_is_true_in_any_case(self):
        for value in ["1", "true", "yes", "on", " TRUE ", "Yes", "ON"]:
            with self.subTest(value=value):
                self.assertIs(self.read(value, False), True)

    def test_each_no_spelling_is_false_in_any_case(self):
        for value in ["0", "false", "no", "off", " FALSE ", "No", "OFF"]:
            with self.subTest(value=value):
                self.assertIs(self.read(value, True), False)

    def test_anything_else_is_an_error_naming_the_variable_and_the_value(self):
        with self.assertRaisesRegex(ImproperlyConfigured, "FLASKR_FLAG .*'maybe'"):
            self.read(" Maybe ", False)


class RequireSecretKeyTests(SimpleTestCase):
    def test_without_a_key_it_says_which_variable_to_set(self):
        with (
            override_settings(SECRET_KEY=""),
            self.assertRaisesRegex(ImproperlyConfigured, "^DJANGO_SECRET_KEY is not set"),
        ):
            require_secret_key()

    def test_with_a_key_it_lets_the_app_load(self):
        with override_settings(SECRET_KEY="k"):
            self.assertIsNone(require_secret_key())


class EnvListTests(SimpleTestCase):
    def test_a_comma_separated_list_drops_spaces_and_blanks(self):
        with mock.patch.dict(os.environ, {"FLASKR_LIST": " a.example, ,b.example,"}):
            self.assertEqual(env_list("FLASKR_LIST", "x"), ["a.example", "b.example"])

    def test_unset_gives_the_default_list(self):
        with mock.patch.dict(os.environ):
            os.environ.pop("FLASKR_LIST", None)
            self.assertEqual(env_list("FLASKR_LIST", "x,y"), ["x", "y"])


class EnvChoiceTests(SimpleTestCase):
    """env_choice() reads DJANGO_LOG_LEVEL."""

    def read(self, value):
        with mock.patch.dict(os.environ, {"FLASKR_LEVEL": value}):
            return env_choice("FLASKR_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING"])

    def test_unset_or_blank_gives_the_default(self):
        with mock.patch.dict(os.environ):
            os.environ.pop("FLASKR_LEVEL", None)
            self.assertEqual(env_choice("FLASKR_LEVEL", "INFO", ["INFO"]), "INFO")
        self.assertEqual(self.read("  "), "INFO")

    def test_a_choice_in_any_case_and_spacing(self):
        self.assertEqual(self.read(" warning "), "WARNING")
        self.assertEqual(self.read("Debug"), "DEBUG")

    def test_anything_else_names_the_variable_the_choices_and_the_value(self):
        with self.assertRaisesMessage(
            ImproperlyConfigured, "FLASKR_LEVEL must be one of DEBUG, INFO, WARNING, not 'LOUD'."
        ):
            self.read("loud")


class EnvTimeZoneTests(SimpleTestCase):
    """env_time_zone() reads DJANGO_TIME_ZONE."""

    def read(self, value):
        with mock.patch.dict(os.environ, {"FLASKR_ZONE": value}):
            return env_time_zone("FLASKR_ZONE", "UTC")

    def test_unset_or_blank_gives_the_default(self):
        with mock.patch.dict(os.environ):
            os.environ.pop("FLASKR_ZONE", None)
            self.assertEqual(env_time_zone("FLASKR_ZONE", "Asia/Tokyo"), "Asia/Tokyo")
        self.assertEqual(self.read("  "), "UTC")

    def test_a_zone_name_is_read_without_its_spaces(self):
        self.assertEqual(self.read(" Europe/Paris "), "Europe/Paris")

    def test_anything_else_names_the_variable_and_the_value(self):
        for value in ["Mars/Olympus", "../../etc/passwd"]:
            with (
                self.subTest(value=value),
                self.assertRaisesMessage(
                    ImproperlyConfigured,
                    "FLASKR_ZONE must be an IANA time zone name such as Europe/Paris or UTC, "
                    f"not {value!r}.",
                ),
            ):
                self.read(value)
