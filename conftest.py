"""pytest configuration shared by the whole suite."""

import pytest


def pytest_configure(config):
    from django.conf import settings

    # In-process tests render pages without running collectstatic first, so they use the
    # plain storage and WhiteNoise's finders. The hashed, compressed files are checked
    # against the real thing: gunicorn after collectstatic (test_production.py).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    # Logins are many in the tests (throttling counts dozens): a fast hasher keeps them quick.
    # The real hasher is what the production-mode and deploy tests run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_worker_memory():
    """Each test rolls the pages table back: the pages a worker keeps in memory (with the
    versions they were stored under) go too, as in a worker that has just started."""
    from entries.caching import recent_pages

    recent_pages.clear()
