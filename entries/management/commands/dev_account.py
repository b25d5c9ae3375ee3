from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = PASSWORD = "admin"


class Command(BaseCommand):
    help = "Make sure the development account admin/admin exists (debug only; `make run` calls it)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to make an account with a known password: debug is off. "
                "Use `python manage.py createsuperuser` for a real account."
            )
        user, created = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        self.stdout.write(
            self.style.WARNING(
                f"Development account {'created' if created else 'ready'}: log in as "
                f"{USERNAME} / {PASSWORD} (debug only, never made with debug off)."
            )
        )
