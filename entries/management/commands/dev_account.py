from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = PASSWORD = "admin"


class Command(BaseCommand):
    help = "Make the account admin/admin if it is missing (debug only; `make run` calls it)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to make an account with a known password: debug is off. "
                "Use `python manage.py createsuperuser` for a real account."
            )
        users = get_user_model().objects
        if users.filter(username=USERNAME).exists():
            # DATABASE_URL may name a real blog: an existing account is never changed.
            self.stdout.write(f"{USERNAME} exists already; its password is unchanged.")
            return
        users.create_superuser(USERNAME, password=PASSWORD)
        self.stdout.write(
            self.style.WARNING(
                f"Development account created: log in as {USERNAME} / {PASSWORD} "
                f"(debug only, never made with debug off)."
            )
        )
