"""`manage.py dev_account`: the admin/admin account of `make run`, with debug on only."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings


class DevAccountTests(TestCase):
    @override_settings(DEBUG=True)
    def test_with_debug_on_it_makes_admin_admin_and_says_so(self):
        out = StringIO()
        call_command("dev_account", stdout=out)
        user = get_user_model().objects.get(username="admin")
        self.assertTrue(user.check_password("admin"))
        self.assertTrue(user.is_superuser and user.is_staff)
        self.assertEqual(
            out.getvalue(),
            "Development account created: log in as admin / admin "
            "(debug only, never made with debug off).\n",
        )

    @override_settings(DEBUG=True)
    def test_an_existing_account_keeps_its_password(self):
        """DATABASE_URL may point at a real blog: its admin's password is never reset."""
        user = get_user_model().objects.create_user("admin", password="a-real-password")
        for _ in range(2):
            out = StringIO()
            call_command("dev_account", stdout=out)
            self.assertIn("admin exists already; its password is unchanged", out.getvalue())
        self.assertEqual(get_user_model().objects.filter(username="admin").count(), 1)
        user.refresh_from_db()
        self.assertTrue(user.check_password("a-real-password"))

    def test_with_debug_off_it_refuses_and_makes_nothing(self):
        message = (
            "Refusing to make an account with a known password: debug is off. "
            "Use `python manage.py createsuperuser` for a real account."
        )
        with self.assertRaisesMessage(CommandError, message):
            call_command("dev_account", stdout=StringIO())
        self.assertFalse(get_user_model().objects.exists())
