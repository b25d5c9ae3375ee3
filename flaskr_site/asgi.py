"""ASGI entry point, for an async server; the Procfile uses WSGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flaskr_site.settings")

from flaskr_site.env import require_secret_key  # noqa: E402

require_secret_key()
application = get_asgi_application()
