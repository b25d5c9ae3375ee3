"""Anonymous readers get pages from the shared cache, and never a stale or someone else's page."""

import functools
import secrets
import tempfile
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone

from entries import caching
from entries.caching import (
    VERSION_KEY,
    author_saved,
    blog_changed,
    cached_for_readers,
    new_version,
)
from entries.models import Entry
from entries.tests.helpers import (
    PASSWORD,
    USERNAME,
    admin_form,
    create_admin,
    create_entry,
    create_user,
    titles,
)
from flaskr_site.cache import CULL_CHECK_EVERY

READER_PAGES = ["/", "/search/?query=entry", "/feed/"]


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = create_admin()
        cls.entry = create_entry("First entry", "Some text", author=cls.user)

    def writer(self):
        """A second browser, logged in."""
        writer = self.client_class()
        writer.post("/login", {"username": USERNAME, "password": PASSWORD})
        return writer

    def test_a_page_read_again_costs_one_cache_lookup_and_no_entries_query(self):
        for url in [*READER_PAGES, self.entry.get_absolute_url()]:
            with self.subTest(url=url):
                first = self.client.get(url)
                with CaptureQueriesContext(connection) as queries:
                    again = self.client.get(url)
                self.assertEqual(len(queries), 1)
                self.assertIn("flaskr_pages", queries[0]["sql"])
                self.assertEqual(again.status_code, 200)
                self.assertEqual(again.content, first.content)
                self.assertEqual(again["Content-Type"], first["Content-Type"])

    def test_a_page_this_worker_served_costs_it_only_the_blogs_version(self):
        """A worker keeps the last pages it served: reading one again, it reads the blog's
        version (a small row) and not the page (kilobytes to decode), and serves its copy
        while that version is the blog's."""
        first = self.client.get("/")
        with CaptureQueriesContext(connection) as queries:
            again = self.client.get("/")
        [query] = queries
        self.assertIn(VERSION_KEY, query["sql"])
        self.assertNotIn("page:", query["sql"])
        self.assertEqual(again.content, first.content)
        create_entry("Posted since")
        self.assertEqual(titles(self.client.get("/")), ["Posted since", "First entry"])

    def test_cached_pages_keep_every_header_and_vary_on_cookie(self):
        for url in [*READER_PAGES, self.entry.get_absolute_url()]:
            with self.subTest(url=url):
                first = self.client.get(url)
                again = self.client.get(url)
                self.assertEqual(dict(again.headers), dict(first.headers))
                self.assertIn("default-src 'self'", again["Content-Security-Policy"])
                self.assertEqual(again["X-Frame-Options"], "DENY")
                self.assertIn("camera=()", again["Permissions-Policy"])
                self.assertEqual(again["X-Content-Type-Options"], "nosniff")
                self.assertIn("Cookie", again["Vary"])
                self.assertNotIn("Set-Cookie", str(again.cookies))

    def test_a_cached_page_is_served_before_sessions_auth_messages_and_csrf(self):
        """A hit costs the cache lookup and little more: the request never reaches them."""
        self.client.get("/")
        again = self.client.get("/")
        for attribute in ["session", "user", "_messages", "csrf_processing_done"]:
            self.assertFalse(hasattr(again.wsgi_request, attribute), attribute)

    def test_a_post_shows_on_the_very_next_read(self):
        for url in READER_PAGES:
            self.client.get(url)
        self.writer().post("/add", {"title": "Fresh entry", "text": "New text"})
        self.assertEqual(titles(self.client.get("/")), ["Fresh entry", "First entry"])
        self.assertEqual(
            titles(self.client.get("/search/?query=entry")), ["Fresh entry", "First entry"]
        )
        self.assertContains(self.client.get("/feed/"), "Fresh entry")

    def test_a_delete_shows_on_the_very_next_read(self):
        url = self.entry.get_absolute_url()
        self.client.get("/")
        self.client.get(url)
        self.writer().post(f"/delete/{self.entry.pk}", headers={"accept": "application/json"})
        self.assertContains(self.client.get("/"), "No entries yet. Add some!")
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_edit_in_the_admin_shows_on_the_very_next_read(self):
        self.user.is_staff = self.user.is_superuser = True
        self.user.save()
        self.client.get("/")
        self.writer().post(
            f"/admin/entries/entry/{self.entry.pk}/change/",
            admin_form(title="Edited entry", text="Some text", author=self.user.pk),
        )
        self.assertEqual(titles(self.client.get("/")), ["Edited entry"])

    def test_a_renamed_author_shows_on_the_very_next_read(self):
        self.client.get("/")
        self.user.username = "renamed"
        self.user.save()
        self.assertContains(self.client.get("/"), "by renamed")

    def test_a_deleted_author_shows_on_the_very_next_read(self):
        self.client.get("/")
        self.user.delete()
        self.assertContains(self.client.get("/"), "by a former user")

    def test_seeded_entries_show_on_the_very_next_read(self):
        self.client.get("/")
        call_command("seed_entries", "3", stdout=StringIO())
        self.assertEqual(len(titles(self.client.get("/"))), 4)

    def test_a_change_inside_a_transaction_shows_on_reads_in_it_and_after_it(self):
        self.client.get("/")
        with transaction.atomic():
            create_entry("Inside a transaction")
            self.assertIn("Inside a transaction", titles(self.client.get("/")))
        self.assertIn("Inside a transaction", titles(self.client.get("/")))

    def test_a_change_and_the_blogs_new_version_commit_or_roll_back_together(self):
        """The version lives in the same database: no reader sees one without the other."""
        before = caches["pages"].get(VERSION_KEY) or new_version()
        with self.captureOnCommitCallbacks() as callbacks, transaction.atomic():
            create_entry("Committed with its version")
            committed = caches["pages"].get(VERSION_KEY)
        self.assertNotEqual(committed, before)
        self.assertEqual(callbacks, [])  # Nothing left to do after the commit.
        with self.assertRaises(RuntimeError), transaction.atomic():
            create_entry("Rolled back")
            raise RuntimeError
        self.assertEqual(caches["pages"].get(VERSION_KEY), committed)

    def test_an_empty_or_evicted_cache_serves_the_current_page(self):
        self.client.get("/")
        caches["pages"].clear()
        create_entry("After the clear")
        self.client.get("/")
        self.assertEqual(titles(self.client.get("/")), ["After the clear", "First entry"])

    def test_a_logged_in_page_is_never_served_to_a_reader_nor_the_other_way(self):
        writer = self.writer()
        self.assertContains(writer.get("/"), 'name="title"')
        self.assertNotContains(self.client.get("/"), 'name="title"')
        self.assertContains(writer.get("/"), 'name="title"')
        self.assertNotContains(self.client.get("/"), "csrfmiddlewaretoken")

    def test_a_reader_with_a_flash_sees_it_even_on_a_cached_page(self):
        self.client.get("/")
        writer = self.writer()
        response = writer.post("/logout", follow=True)
        self.assertContains(response, "You were logged out")
        self.assertNotContains(self.client.get("/"), "You were logged out")

    def test_other_hosts_and_schemes_get_their_own_feed(self):
        plain = self.client.get("/feed/")
        secure = self.client.get("/feed/", headers={"x-forwarded-proto": "https"})
        self.assertContains(plain, "http://testserver/entries/")
        self.assertContains(secure, "https://testserver:80/entries/")

    def test_an_unknown_url_is_a_404_without_a_query(self):
        """Scanners probe thousands of URLs the site does not have: none costs the database."""
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/wp-login.php")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(len(queries), 0)

    def test_error_pages_are_not_stored(self):
        self.assertEqual(self.client.get("/entries/999/").status_code, 404)
        missing = Entry.objects.create(pk=999, title="Now here", text="Text")
        self.assertContains(self.client.get(missing.get_absolute_url()), "Now here")


# Views the blog does not have, for CachedForReadersTests (this module is their URLconf).
calls = []


@cached_for_readers()
def page_view(request):
    calls.append(request.method)
    return HttpResponse("page")


@cached_for_readers()
def token_view(request):
    calls.append(request.method)
    return HttpResponse(get_token(request))


@cached_for_readers()
def cookie_view(request):
    calls.append(request.method)
    response = HttpResponse("page")
    response.set_cookie("choice", "mine")
    return response


def unmarked_view(request):
    calls.append(request.method)
    return HttpResponse("page")


urlpatterns = [
    path("page", page_view),
    path("token", token_view),
    path("cookie", cookie_view),
    path("unmarked", unmarked_view),
]


@override_settings(ROOT_URLCONF=__name__)
class CachedForReadersTests(TestCase):
    """The middleware and the decorator, on views the blog does not have."""

    def setUp(self):
        calls.clear()

    def test_a_marked_page_is_rendered_once(self):
        self.assertEqual(self.client.get("/page").content, b"page")
        self.assertEqual(self.client.get("/page").content, b"page")
        self.assertEqual(calls, ["GET"])

    def test_an_unmarked_view_is_never_stored_nor_looked_up(self):
        self.client.get("/unmarked")
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/unmarked")
        self.assertEqual(calls, ["GET", "GET"])
        self.assertEqual(len(queries), 0)

    def test_a_page_that_sets_a_csrf_token_is_not_stored(self):
        first = self.client_class().get("/token")
        second = self.client_class().get("/token")
        self.assertEqual(len(calls), 2)
        self.assertNotEqual(first.content, second.content)

    def test_only_gets_and_heads_are_served_from_the_cache(self):
        self.client.get("/page")
        self.client.head("/page")
        self.client.post("/page")
        self.client.get("/page")
        self.assertEqual(calls, ["GET", "POST"])

    def test_a_request_with_a_session_cookie_is_never_served_from_the_cache(self):
        self.client.get("/page")
        self.client.cookies["sessionid"] = "anything"
        self.client.get("/page")
        self.assertEqual(calls, ["GET", "GET"])

    def test_a_page_that_sets_a_cookie_is_not_stored(self):
        self.client_class().get("/cookie")
        self.assertEqual(self.client_class().get("/cookie").cookies["choice"].value, "mine")
        self.assertEqual(len(calls), 2)


class BlogVersionTests(TestCase):
    """What gives the blog a new version (so every cached page is read afresh), and what not."""

    def setUp(self):
        # Unwire the receivers, then wire them as the app does at startup, twice over.
        for signal in [post_save, post_delete]:
            for model in [Entry, get_user_model()]:
                signal.disconnect(blog_changed, sender=model)
        post_save.disconnect(author_saved, sender=get_user_model())
        config = apps.get_app_config("entries")
        self.addCleanup(config.ready)
        config.ready()
        config.ready()

    def assertChangesTheBlog(self, change, changes=True):
        before = new_version()
        with (
            mock.patch("entries.caching.new_version", wraps=new_version) as renew,
            self.captureOnCommitCallbacks(execute=True),
        ):
            change()
        self.assertEqual(renew.call_count, 1 if changes else 0)
        self.assertEqual(caches["pages"].get(VERSION_KEY) != before, changes)

    def test_saving_or_deleting_an_entry_or_a_user_changes_the_blog_once(self):
        user = get_user_model()(username="someone")
        entry = Entry(title="Title", text="Text")
        for change in [user.save, entry.save, entry.delete, user.delete]:
            with self.subTest(change=change.__qualname__):
                self.assertChangesTheBlog(change)

    def test_saving_a_users_name_alone_changes_the_blog(self):
        user = create_user()
        user.username = "renamed"
        self.assertChangesTheBlog(functools.partial(user.save, update_fields=["username"]))

    def test_logging_in_does_not(self):
        """A login saves the user's last_login, which no page shows."""
        create_user()
        log_in = functools.partial(
            self.client.post, "/login", {"username": USERNAME, "password": PASSWORD}
        )
        self.assertChangesTheBlog(log_in, changes=False)
        self.assertIn(SESSION_KEY, self.client.session)

    def test_saving_or_deleting_anything_else_does_not(self):
        group = Group(name="editors")
        for change in [group.save, group.delete]:
            with self.subTest(change=change.__qualname__):
                self.assertChangesTheBlog(change, changes=False)

    def test_the_version_never_expires_on_its_own(self):
        """Else every page would be rendered afresh every few minutes."""
        version = new_version()
        a_year_later = timezone.now() + timedelta(days=365)
        # The clock DatabaseCache checks expiry times against.
        with mock.patch("django.core.cache.backends.db.tz_now", return_value=a_year_later):
            self.assertEqual(caches["pages"].get(VERSION_KEY), version)


class CacheBoundsTests(TestCase):
    """What may fill the cache, what a deploy does to it, and what is never in it."""

    @classmethod
    def setUpTestData(cls):
        cls.entry = create_entry("First entry", "Some text")

    def cached_pages(self):
        """Pages stored (each as rendered, and gzipped under a key of its own)."""
        table = settings.CACHES["pages"]["LOCATION"]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE cache_key NOT LIKE %s", ["%:gzip"])
            return cursor.fetchone()[0]

    def test_junk_query_parameters_do_not_fill_the_cache(self):
        self.client.get("/")
        before = self.cached_pages()
        for n in range(1000):
            response = self.client.get("/", {"utm_source": n})
            self.assertEqual(response.status_code, 200)
        self.client.get("/search/", {"query": "entry", "x": "1"})
        self.assertEqual(self.cached_pages(), before)

    def test_junk_query_parameters_still_get_the_current_page(self):
        self.client.get("/?x=1")
        create_entry("Second entry")
        self.assertEqual(titles(self.client.get("/?x=1")), ["Second entry", "First entry"])

    def test_canonical_urls_are_cached(self):
        before = self.cached_pages()
        for url in ["/", "/search/?query=entry", self.entry.get_absolute_url(), "/feed/"]:
            self.client.get(url)
        self.assertEqual(self.cached_pages(), before + 4)

    def test_a_broken_page_link_is_not_cached(self):
        before = self.cached_pages()
        with self.assertLogs("django.request", "WARNING"):
            self.assertEqual(self.client.get("/?before=junk").status_code, 400)
        self.assertEqual(self.cached_pages(), before)

    def test_a_page_cached_by_one_build_is_not_served_by_another(self):
        """A deploy that changes a static file changes the hashed names every page holds."""
        with mock.patch("entries.caching.build_id", return_value="build-one"):
            self.client.get("/")
        with connection.cursor() as cursor:  # Behind the cache's back: no new version.
            cursor.execute("UPDATE entries_entry SET title = 'Changed without a signal'")
        with mock.patch("entries.caching.build_id", return_value="build-one"):
            self.assertEqual(titles(self.client.get("/")), ["First entry"])  # still cached
        with mock.patch("entries.caching.build_id", return_value="build-two"):
            self.assertEqual(titles(self.client.get("/")), ["Changed without a signal"])

    def test_a_build_that_changes_a_template_or_the_code_is_another_build(self):
        """A deploy of new templates or code with the same static files: pages of the old
        one would show the old markup, or be stored in a form the new code does not read."""
        with tempfile.TemporaryDirectory() as tmp:
            page = Path(tmp, "templates", "page.html")
            page.parent.mkdir()
            page.write_text("<p>old</p>")
            Path(tmp, "templates", "notes.txt").write_text("not part of a page")
            before = caching.source_digest(tmp, ["templates"], "manifest")
            Path(tmp, "templates", "notes.txt").write_text("changed")
            self.assertEqual(caching.source_digest(tmp, ["templates"], "manifest"), before)
            page.write_text("<p>new</p>")
            self.assertNotEqual(caching.source_digest(tmp, ["templates"], "manifest"), before)
            self.assertNotEqual(caching.source_digest(tmp, ["templates"], "other"), before)

    def test_new_code_or_a_renamed_template_is_another_build_and_other_files_are_not(self):
        """The code that renders pages counts as its templates do, and so does a template's
        name (views find it by name); a change elsewhere (the tests, the docs) keeps the pages."""
        with tempfile.TemporaryDirectory() as tmp:
            code = Path(tmp, "app", "views.py")
            code.parent.mkdir()
            code.write_text("TITLE = 'old'")
            Path(tmp, "app", "page.html").write_text("<p>page</p>")
            Path(tmp, "tests").mkdir()
            Path(tmp, "tests", "test_app.py").write_text("old test")
            before = caching.source_digest(tmp, ["app"], "manifest")
            Path(tmp, "tests", "test_app.py").write_text("new test")
            self.assertEqual(caching.source_digest(tmp, ["app"], "manifest"), before)
            code.write_text("TITLE = 'new'")
            changed = caching.source_digest(tmp, ["app"], "manifest")
            self.assertNotEqual(changed, before)
            Path(tmp, "app", "page.html").rename(Path(tmp, "app", "renamed.html"))
            self.assertNotEqual(caching.source_digest(tmp, ["app"], "manifest"), changed)

    def test_the_cache_is_bounded_in_bytes_and_keeps_sessions_apart(self):
        pages = caches["pages"]
        self.assertLessEqual(pages._max_entries * caching.LARGEST_PAGE, 128 * 1024 * 1024)
        self.assertNotEqual(settings.SESSION_CACHE_ALIAS, "pages")
        self.assertNotEqual(
            settings.CACHES["pages"]["LOCATION"], settings.CACHES["default"]["LOCATION"]
        )

    def test_a_page_larger_than_the_limit_is_not_stored(self):
        create_entry("Huge", "x" * 99_000)
        create_entry("Huge too", "y" * 99_000)
        before = self.cached_pages()
        self.assertEqual(self.client.get("/").status_code, 200)
        self.assertEqual(self.cached_pages(), before)

    def test_logged_in_pages_are_private_and_not_stored_by_anyone(self):
        self.client.force_login(create_user())
        for url in ["/", "/search/?query=entry", self.entry.get_absolute_url(), "/feed/"]:
            with self.subTest(url=url):
                cache_control = self.client.get(url)["Cache-Control"]
                self.assertIn("private", cache_control)
                self.assertIn("no-store", cache_control)

    def test_reader_pages_are_not_private(self):
        self.assertNotIn("private", self.client.get("/").get("Cache-Control", ""))

    def test_a_page_the_cache_cannot_store_is_still_served(self):
        """On SQLite a store does not wait for another worker's write: it gives up instead."""
        with (
            mock.patch.object(
                caches["pages"], "set_many", side_effect=OperationalError("database is locked")
            ),
            self.assertLogs("entries.caching", "INFO") as logs,
        ):
            response = self.client.get("/")
        self.assertContains(response, "First entry")
        self.assertIn("The page was not stored: database is locked", logs.output[0])

    def test_a_failing_cache_never_turns_a_stored_post_into_an_error(self):
        """The post is committed before the cache is told; it is acknowledged once."""
        self.client.force_login(create_admin("poster"))
        with (
            mock.patch("entries.caching.new_version", side_effect=ConnectionError("cache down")),
            self.captureOnCommitCallbacks(execute=True),
            self.assertLogs(level="ERROR"),
        ):
            response = self.client.post("/add", {"title": "Stored once", "text": "t"})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(Entry.objects.filter(title="Stored once").count(), 1)


class PageStoreTests(TransactionTestCase):
    """Outside a test's transaction, as in production: a store has a transaction of its own."""

    def test_storing_a_page_leaves_the_databases_waiting_and_durability_as_configured(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite only")
        self.addCleanup(caches["pages"].clear)  # a table of its own, which flush leaves
        create_entry("An entry")
        self.assertEqual(self.client.get("/").status_code, 200)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {settings.CACHES['pages']['LOCATION']}")
            # The blog's version, and the page as rendered and gzipped.
            self.assertEqual(cursor.fetchone()[0], 3)
            cursor.execute("PRAGMA busy_timeout")
            configured = settings.DATABASES["default"]["OPTIONS"]["timeout"]
            self.assertEqual(cursor.fetchone()[0], configured * 1000)
            cursor.execute("PRAGMA synchronous")
            self.assertEqual(cursor.fetchone()[0], 2)  # FULL: posts stay durable

    def test_postgresql_stores_a_page_without_writing_it_to_its_log(self):
        """The pages' table is unlogged: a store's commit waits for no disk, and after a
        crash the table is empty, as a cache may be. The entries are in the log; the blog's
        version, gone with its pages, is made anew."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        self.addCleanup(caches["pages"].clear)
        # Words that compress no better than a page does.
        create_entry("An entry", " ".join(secrets.token_hex(4) for _ in range(2000)))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()")
            (before,) = cursor.fetchone()
            page = self.client.get("/")
            cursor.execute("SELECT pg_current_wal_insert_lsn() - %s::pg_lsn", [before])
            (logged,) = cursor.fetchone()
            cursor.execute(f"SELECT count(*) FROM {settings.CACHES['pages']['LOCATION']}")
            self.assertEqual(cursor.fetchone()[0], 3)  # The version, the page and its gzip.
        # A commit's record and the like, not the page's 18 KB and its gzip.
        self.assertGreater(len(page.content), 18_000)
        self.assertLess(logged, 2000)


class CacheWriteTests(TestCase):
    """Each page a reader is the first to ask for, and every post, writes to the cache table:
    one statement each, and the table stays bounded."""

    def setUp(self):
        # The table is counted every CULL_CHECK_EVERY writes of a process: count afresh, so
        # that no test here is the one whose write counts it.
        caches["pages"]._writes = 0

    def pages_statements(self, queries):
        return [query["sql"].split()[0] for query in queries if "flaskr_pages" in query["sql"]]

    def test_a_page_nobody_asked_for_costs_one_lookup_and_one_write(self):
        create_entry("An entry")
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(titles(self.client.get("/")), ["An entry"])
        self.assertEqual(self.pages_statements(queries), ["SELECT", "INSERT"])

    def test_a_post_renews_the_blogs_version_in_one_statement(self):
        self.client.force_login(create_admin())
        with CaptureQueriesContext(connection) as queries:
            self.client.post("/add", {"title": "Posted", "text": "t"})
        self.assertEqual(self.pages_statements(queries), ["INSERT"])
        self.assertEqual(titles(self.client_class().get("/")), ["Posted"])

    def test_a_write_replaces_the_value_and_its_expiry(self):
        pages = caches["pages"]
        pages.set("key", "first", timeout=60)
        pages.set("key", "second", timeout=None)
        self.assertEqual(pages.get("key"), "second")
        with mock.patch("django.core.cache.backends.db.tz_now") as now:
            now.return_value = timezone.now() + timedelta(days=10_000)
            self.assertEqual(pages.get("key"), "second")  # None: never expires
            pages.set("key", "third", timeout=60)
        self.assertEqual(pages.get("key"), "third")
        pages.set("key", "gone", timeout=-1)
        self.assertIsNone(pages.get("key"))
        pages.set("key", "versioned", version=2)
        self.assertEqual(pages.get("key", version=2), "versioned")
        self.assertIsNone(pages.get("key"))

    def test_the_table_is_culled_past_its_maximum(self):
        pages = caches["pages"]
        pages.clear()
        with mock.patch.object(pages, "_max_entries", 60):
            for n in range(300):
                pages.set(f"page:{n:03}", n)
                self.assertLessEqual(self.rows(), 60 + CULL_CHECK_EVERY)
        self.assertEqual(pages.get("page:299"), 299)  # culled in key order: the oldest first

    def test_expired_rows_are_culled_before_any_live_one(self):
        pages = caches["pages"]
        pages.clear()
        with mock.patch.object(pages, "_max_entries", 60):
            for n in range(60):
                pages.set(f"zzz:{n:02}", n, timeout=-1)  # expired, and last in key order
            for n in range(2 * CULL_CHECK_EVERY):  # the table is counted in there
                pages.set(f"page:{n:03}", n)
        self.assertEqual(self.rows(), 2 * CULL_CHECK_EVERY)
        self.assertEqual(len(pages.get_many([f"page:{n:03}" for n in range(40)])), 40)

    def rows(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM flaskr_pages")
            return cursor.fetchone()[0]

    def test_a_write_that_fails_says_so(self):
        """Django's DatabaseCache would return False; the page cache logs what it could not
        store, and a post whose version cannot be written is not half-done."""
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE flaskr_pages")  # rolled back with the test
        with self.assertRaises(DatabaseError):
            caches["pages"].set("key", "value")
