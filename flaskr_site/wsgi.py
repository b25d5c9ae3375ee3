"""WSGI entry point, served by gunicorn (see the Procfile and gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flaskr_site.settings")

from flaskr_site.env import require_secret_key  # noqa: E402

require_secret_key()
application = get_wsgi_application()
