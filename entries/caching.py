"""Rendered pages for anonymous readers, from the shared cache, until the blog changes.

Most requests are anonymous readers asking for the same few pages. The first one renders
a page and stores it in the cache (settings.CACHES: a database table, shared by every
worker and every dyno) with the blog's current version; later readers get it for one
cache lookup: no entries query, no template, no session. Any change to an entry, and
any new name or deletion of a user (pages show authors' names), gives the blog a new
version, so the very next read, from any worker, renders afresh.

Only GETs without a session or flash-message cookie are served from the cache or stored
in it, so a logged-in page is never shown to anyone else. Changes made without model
signals (QuerySet.update(), raw SQL, bulk_create) must call blog_changed() themselves.
"""

import functools
import hashlib
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

VERSION_KEY = "entries:version"
PAGE_TIMEOUT = 24 * 60 * 60


def new_version():
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def blog_changed(**signal_kwargs):
    """Give the blog a new version once the change is committed, so that no page read
    before the commit is kept under it; inside a transaction, also at once, so that
    later reads in the same transaction miss the cache too."""
    if transaction.get_connection().in_atomic_block:
        new_version()
    transaction.on_commit(new_version)


def author_saved(update_fields=None, **signal_kwargs):
    """Pages show an author's username, and nothing else of the user: a save of other
    fields only (a login's last_login) changes no page."""
    if update_fields is None or get_user_model().USERNAME_FIELD in update_fields:
        blog_changed()


def is_anonymous_reader(request):
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def cached_for_readers(view):
    """Serve anonymous readers the page from the cache while the blog's version holds."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_anonymous_reader(request):
            response = view(request, *args, **kwargs)
        else:
            # The whole URL: the feed's links hold the scheme and host it was asked for.
            url = request.build_absolute_uri()
            key = f"entries:page:{hashlib.sha256(url.encode()).hexdigest()}"
            found = cache.get_many([VERSION_KEY, key])
            version = found.get(VERSION_KEY) or new_version()
            stored = found.get(key)
            if stored and stored[0] == version:
                response = HttpResponse(stored[2], content_type=stored[1])
            else:
                response = view(request, *args, **kwargs)
                # A page with a CSRF token in it belongs to one browser.
                if response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                    page = (version, response["Content-Type"], response.content)
                    cache.set(key, page, PAGE_TIMEOUT)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
