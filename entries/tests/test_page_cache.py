"""Anonymous readers get pages from the shared cache, and never a stale or someone else's page."""

import functools
from datetime import timedelta
from io import StringIO
from unittest import mock

from django.apps import apps
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entries.caching import (
    VERSION_KEY,
    author_saved,
    blog_changed,
    cached_for_readers,
    new_version,
)
from entries.models import Entry
from entries.tests.helpers import PASSWORD, USERNAME, create_entry, create_user, titles

READER_PAGES = ["/", "/search/?query=entry", "/feed/"]


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = create_user()
        cls.entry = create_entry("First entry", "Some text", author=cls.user)

    def writer(self):
        """A second browser, logged in."""
        writer = self.client_class()
        writer.post("/login", {"username": USERNAME, "password": PASSWORD})
        return writer

    def test_a_page_read_again_costs_one_cache_lookup_and_no_entries_query(self):
        for url in [*READER_PAGES, f"/entries/{self.entry.pk}/"]:
            with self.subTest(url=url):
                first = self.client.get(url)
                with CaptureQueriesContext(connection) as queries:
                    again = self.client.get(url)
                self.assertEqual(len(queries), 1)
                self.assertIn("flaskr_cache", queries[0]["sql"])
                self.assertEqual(again.status_code, 200)
                self.assertEqual(again.content, first.content)
                self.assertEqual(again["Content-Type"], first["Content-Type"])

    def test_cached_pages_keep_the_security_headers_and_vary_on_cookie(self):
        self.client.get("/")
        again = self.client.get("/")
        self.assertIn("default-src 'self'", again["Content-Security-Policy"])
        self.assertEqual(again["X-Frame-Options"], "DENY")
        self.assertIn("Cookie", again["Vary"])
        self.assertNotIn("Set-Cookie", str(again.cookies))

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
        url = f"/entries/{self.entry.pk}/"
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
            {
                "title": "Edited entry",
                "text": "Some text",
                "author": self.user.pk,
                "created_at_0": "2026-01-01",
                "created_at_1": "12:00:00",
            },
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

    def test_a_commit_gives_the_blog_a_version_newer_than_any_page_read_before_it(self):
        """Another worker may render the old data under the version set inside the
        transaction, before the commit; the version set after the commit outdates its page."""
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            create_entry("Committed later")
            inside = cache.get(VERSION_KEY)
        self.assertIsNotNone(inside)
        self.assertNotEqual(cache.get(VERSION_KEY), inside)

    def test_an_empty_or_evicted_cache_serves_the_current_page(self):
        self.client.get("/")
        cache.clear()
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

    def test_error_pages_are_not_stored(self):
        self.assertEqual(self.client.get("/entries/999/").status_code, 404)
        missing = Entry.objects.create(pk=999, title="Now here", text="Text")
        self.assertContains(self.client.get(f"/entries/{missing.pk}/"), "Now here")


class CachedForReadersTests(TestCase):
    """The decorator itself, on views the blog does not have."""

    def test_a_page_that_sets_a_csrf_token_is_not_stored(self):
        def view(request):
            return HttpResponse(get_token(request))

        calls = []
        cached = cached_for_readers(lambda request: calls.append(1) or view(request))
        first = cached(RequestFactory().get("/form"))
        second = cached(RequestFactory().get("/form"))
        self.assertEqual(len(calls), 2)
        self.assertNotEqual(first.content, second.content)

    def test_only_gets_are_served_from_the_cache(self):
        calls = []
        cached = cached_for_readers(lambda request: calls.append(1) or HttpResponse("page"))
        cached(RequestFactory().get("/page"))
        cached(RequestFactory().head("/page"))
        cached(RequestFactory().get("/page"))
        self.assertEqual(len(calls), 2)

    def test_a_request_with_a_session_cookie_is_never_served_from_the_cache(self):
        calls = []
        cached = cached_for_readers(lambda request: calls.append(1) or HttpResponse("page"))
        cached(RequestFactory().get("/page"))
        request = RequestFactory().get("/page")
        request.COOKIES["sessionid"] = "anything"
        cached(request)
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
        with self.captureOnCommitCallbacks() as callbacks:
            change()
        self.assertEqual(len(callbacks), 1 if changes else 0)
        self.assertEqual(cache.get(VERSION_KEY) != before, changes)

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
            self.assertEqual(cache.get(VERSION_KEY), version)
