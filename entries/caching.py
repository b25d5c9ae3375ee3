"""Rendered pages for anonymous readers, from a shared cache, until the blog or the build changes.

Most requests are anonymous readers asking for the same few pages. The first one renders
a page and stores it in the pages cache (settings.CACHES["pages"]: a database table, shared
by every worker and every dyno) with the blog's current version; later readers get it for
one cache lookup: no entries query, no template, no session. Any change to an entry, and
any new name or deletion of a user (pages show authors' names), gives the blog a new
version, so the very next read, from any worker, renders afresh.

Pages name the build's hashed static files (style.<hash>.css), so the key holds the build
too: a deploy that changes a static file never serves a page of the old build. It holds the
host as well (the feed's links are absolute). Only a view's canonical URLs are stored (its
own query parameters, each once), and only pages up to LARGEST_PAGE bytes: with the table's
MAX_ENTRIES that bounds the cache in bytes. Pages have a table of their own, so making room
for pages never evicts a session.

Views mark their pages with cached_for_readers(); page_cache_middleware serves and stores
them, before the session, auth, messages and CSRF middleware, so a hit costs little more
than the lookup. Only GET and HEAD requests without a session or flash-message cookie are
served from the cache or stored in it, so a logged-in page is never shown to anyone else.
Entry.objects' update() and bulk_create() call blog_changed() themselves, as model signals
do not fire.
"""

import contextlib
import functools
import gzip
import hashlib
import logging
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

# The blog's version lives in the pages table, so that a hit is one query. The table is
# culled in key order once it is full: this key sorts after every "page:" key, so it goes last.
VERSION_KEY = "version:blog"
PAGE_TIMEOUT = 24 * 60 * 60
LARGEST_PAGE = 128 * 1024
# What the build's hash covers besides the static files (build_id()).
BUILD_SOURCES = ["entries", "flaskr_site", "templates"]
# Pages gzipped when stored: what a compressed answer is worth sending.
COMPRESSIBLE = {"text/html", "application/atom+xml", "application/xml", "application/json"}
SMALLEST_COMPRESSED = 200
# What a 304 keeps of the page's headers: RFC 9110, 15.4.5, and Last-Modified, as Django's.
# A stored page never holds Content-Location, Date or Expires (gunicorn dates each answer), so
# no test could tell a mutant of those three from the original; the others are tested.
# pragma: no mutate start
NOT_MODIFIED_HEADERS = {"Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary"}
NOT_MODIFIED_HEADERS |= {"Last-Modified"}
# pragma: no mutate end
# The pages a worker served last, kept in its memory by key with their versions (at most this
# many: 128 KB each at worst, as stored): a hit on one reads the blog's version alone.
RECENT_PAGES = 64  # pragma: no mutate: memory and speed only (make bench: RSS and req/s)

logger = logging.getLogger(__name__)


def new_version():
    """A new version of the blog: a random token, and when the next scheduled entry is due
    (a Unix time, or None), past which no page of this version is served."""
    version = (uuid.uuid4().hex, next_publication())
    caches["pages"].set(VERSION_KEY, version, timeout=None)
    return version


def next_publication():
    from entries.models import Entry, Status  # entries.models imports this module.

    due = (
        Entry.objects.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    return due and due.timestamp()


def is_current(version):
    """A version is current until its next scheduled entry is due: then the pages made
    before that moment leave the entry out, and a new version is made."""
    return isinstance(version, tuple) and (version[1] is None or time.time() < version[1])


def blog_changed(**signal_kwargs):
    """Give the blog a new version. Inside a transaction (Entry.save() and every delete open
    one), in that transaction: the version lives in the same database as the entries, so the
    change and the version are seen together at the commit, for one commit. Outside one,
    right after the change.

    A cache that fails must not turn a stored change into an error page (the writer would
    send it again): the failure is logged, and the version renewed after the commit, its
    failure logged too (robust=True). (On PostgreSQL a statement that fails ends the
    transaction: the change is rolled back with it, and the writer told, nothing half-done.)"""
    if transaction.get_connection().in_atomic_block:
        try:
            new_version()
            return
        except Exception:
            # The words are for the operator; the tests check that it is logged.
            logger.exception(
                "The blog's version could not be renewed; trying at commit."  # pragma: no mutate
            )
    transaction.on_commit(new_version, robust=True)


def author_saved(update_fields=None, **signal_kwargs):
    """Pages show an author's username, and nothing else of the user: a save of other
    fields only (a login's last_login) changes no page."""
    if update_fields is None or get_user_model().USERNAME_FIELD in update_fields:
        blog_changed()


@functools.cache
def build_id():
    """What changes whenever a deploy changes what pages hold, or how they are stored: the
    hash of collectstatic's manifest (the static files' hashed names) and of the code and
    templates that render and store pages."""
    read_manifest = getattr(staticfiles_storage, "read_manifest", None)
    manifest = read_manifest() if read_manifest else None
    return source_digest(settings.BASE_DIR, BUILD_SOURCES, manifest or "unbuilt")[:16]


def source_digest(base_dir, directories, seed):
    """A hash of `seed` and of every .py and .html file under the directories, by name."""
    digest = hashlib.sha256(seed.encode())
    files = sorted(
        path
        for directory in directories
        for path in Path(base_dir, directory).rglob("*")
        if path.suffix in {".py", ".html"}
    )
    for path in files:
        digest.update(str(path.relative_to(base_dir)).encode())
        # Any bytes that are in no file's name end it as well as this one.
        digest.update(b"\0")  # pragma: no mutate
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_anonymous_reader(request):
    cookies = request.COOKIES
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def is_canonical(request, parameters):
    """Only the view's own query parameters, each once."""
    query = request.GET
    return all(name in parameters and len(query.getlist(name)) == 1 for name in query)


def page_key(request):
    # The scheme and host too: the feed holds absolute links.
    url = request.build_absolute_uri()
    return f"page:{build_id()}:{hashlib.sha256(url.encode()).hexdigest()}"


def page_cache_middleware(get_response):
    """Serve anonymous readers' pages from the cache, and store what views marked with
    cached_for_readers() render for them at their canonical URLs.

    Placed before the session, auth, messages and CSRF middleware (as Django's own cache
    middleware is), so that a hit costs the lookup and little more; the middleware above it
    still add their headers. Other URLs (the login, the admin, /healthz) pass untouched."""

    def middleware(request):
        if not (is_anonymous_reader(request) and is_cacheable(request)):
            return get_response(request)
        key = page_key(request)
        # A page is stored twice, as rendered and gzipped: a hit reads the one it sends.
        wanted = f"{key}:gzip" if accepts_gzip(request) else key
        # Read before the view runs: a change committed while it renders bumps the version
        # again, so the page stored below is never served after that change.
        version, stored = look_up(wanted)
        if not is_current(version):
            version = new_version()
        if stored and stored[0] == version:
            recent_pages.keep(wanted, stored)
            return answer(request, stored)
        response = get_response(request)
        if not storable(request, response):
            return response
        plain, gzipped = prepared(version, response)
        store({key: plain, f"{key}:gzip": gzipped})
        sent = gzipped if wanted != key else plain
        recent_pages.keep(wanted, sent)
        return answer(request, sent)

    return middleware


class RecentPages:
    """The last pages this worker served, by key (a bounded dict, oldest first)."""

    def __init__(self, size):
        self.size = size
        self.pages = {}
        self.lock = threading.Lock()  # runserver serves in threads; gunicorn's workers do not

    def get(self, key):
        return self.pages.get(key)

    def clear(self):
        self.pages.clear()

    def keep(self, key, page):
        with self.lock:
            self.pages.pop(key, None)
            self.pages[key] = page
            if len(self.pages) > self.size:
                del self.pages[next(iter(self.pages))]


recent_pages = RecentPages(RECENT_PAGES)


def look_up(key):
    """The blog's version and the page stored under the key (or None). A page this worker
    served is read from its memory if it is of the blog's version: one small row is read,
    not the page too (reading and decoding it was a fifth of a hit: 256 -> 200 us)."""
    pages = caches["pages"]
    page = recent_pages.get(key)
    if page is not None:
        version = pages.get(VERSION_KEY)
        if page[0] == version:
            return version, page
    found = pages.get_many([VERSION_KEY, key])
    return found.get(VERSION_KEY), found.get(key)


def prepared(version, response):
    """What is stored of a page: (version, headers, content, whether the content is gzipped),
    as rendered, and for clients that take gzip. Its ETag is its content's hash, so an
    unchanged page keeps it across versions; a page that says when it was last modified (a
    feed) says when it was rendered, which is never before the blog's last change. HTML,
    Atom, XML and JSON worth compressing are gzipped here, once."""
    content = response.content
    response.headers.pop("Content-Length", None)  # Set per answer: gzip changes it.
    response["ETag"] = f'W/"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
    if response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date()
    patch_vary_headers(response, ["Accept-Encoding"])
    headers = dict(response.headers)
    plain = (version, headers, content, False)
    compressible = response.get("Content-Type", "").split(";")[0] in COMPRESSIBLE
    if compressible and len(content) >= SMALLEST_COMPRESSED:
        return plain, (version, headers, compress(content), True)
    return plain, plain


def compress(content):
    # zlib's fastest level: a page nobody asked for before pays for it (an 18 KB index page:
    # 64 us, against 227 at the default 6, for 6% more bytes). No time in the header: the
    # same page compresses to the same bytes.
    return gzip.compress(content, compresslevel=1, mtime=0)


def answer(request, page):
    """The stored page for this request: 304 when the reader's copy is current, else the page
    (gzipped as stored for a reader who takes it)."""
    _, headers, content, gzipped = page
    meta = request.META
    # Speed only: without it, get_conditional_response() below gives the same 304.
    sent_back = meta.get("HTTP_IF_NONE_MATCH")  # pragma: no mutate
    if sent_back == headers["ETag"] and not (
        "HTTP_IF_MATCH" in meta or "HTTP_IF_UNMODIFIED_SINCE" in meta
    ):
        # What a browser sends back (RFC 9110, 13.2.2, step 3), told without parsing: a 304
        # costs less than a hit then, not more (docs/benchmarks.md, "Pairs").
        conditional = HttpResponseNotModified()
    else:
        last_modified = headers.get("Last-Modified")
        last_modified = last_modified and parse_http_date_safe(last_modified)
        conditional = get_conditional_response(
            request, etag=headers["ETag"], last_modified=last_modified
        )
    if conditional is not None:  # 304, or 412 for a failed If-Match
        if conditional.status_code == 304:
            for name in NOT_MODIFIED_HEADERS:
                if name in headers:
                    conditional[name] = headers[name]
        return conditional
    response = HttpResponse(content, headers=headers)
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(content))
    return response


def accepts_gzip(request):
    """Whether the request's Accept-Encoding takes gzip (named, or as *, with a q above 0)."""
    weights = {}
    for part in request.headers.get("Accept-Encoding", "").split(","):
        coding, *parameters = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0  # A weight that cannot be read: not taken.
        weights[coding.lower()] = weight
    weight = weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0)))
    return weight > 0


def store(pages):
    """Store a page (its keys and values) if the database takes it at once, else leave it to
    the next reader: it is a copy, and a reader waiting for it would pay for the store, not
    the page."""
    try:
        with without_waiting(transaction.get_connection()):
            caches["pages"].set_many(pages, PAGE_TIMEOUT)
    except DatabaseError as error:
        # The words are for the operator; the tests check that it is logged.
        logger.info("The page was not stored: %s", error)  # pragma: no mutate


@contextlib.contextmanager
def without_waiting(connection):
    """SQLite: writes on this connection neither wait for another worker's write (one
    writer at a time, and a waiting one sleeps a millisecond or more) nor for the disk
    (synchronous=NORMAL, so a power cut may lose the latest pages; a post's commit, FULL,
    still writes everything before it to disk). The settings are restored afterwards.
    Inside a transaction the store is part of it: nothing to change, nor could it be."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (waiting,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous")
        (durability,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
        cursor.execute("PRAGMA synchronous = NORMAL")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(waiting)}")
            cursor.execute(f"PRAGMA synchronous = {int(durability)}")


def is_cacheable(request):
    """The URL names a view marked with cached_for_readers(), with only its parameters."""
    try:
        view = resolve(request.path_info, getattr(request, "urlconf", None)).func
    except Resolver404:
        return False
    parameters = getattr(view, "page_parameters", None)
    return parameters is not None and is_canonical(request, parameters)


def cached_for_readers(*parameters):
    """Mark a view whose pages for anonymous readers page_cache_middleware may store:
    `parameters` are the query parameters the page depends on; a URL with any other is
    rendered each time and never stored. Browsers and proxies may keep the pages, and must
    ask whether each is current (the ETag) before they show it again."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
            patch_cache_control(response, no_cache=True)
            return response

        wrapper.page_parameters = parameters
        return wrapper

    return decorator


def storable(request, response):
    # A page with a CSRF token in it, or one that sets a cookie, belongs to one browser; a
    # view may say no-store itself.
    return (
        response.status_code == 200
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.cookies
        # Headers are looked up in any case; a page of exactly LARGEST_PAGE bytes is the
        # only one the comparison's two spellings disagree on.
        and "no-store" not in response.get("Cache-Control", "")  # pragma: no mutate
        and len(response.content) <= LARGEST_PAGE  # pragma: no mutate
    )
