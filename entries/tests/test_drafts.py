"""Drafts and scheduled entries: seen by their author and editors only, on /drafts/ and on
their own page; to everyone else they do not exist, on every path readers take."""

from datetime import UTC, datetime, timedelta

import feedparser
from django.test import TestCase, override_settings
from django.utils import timezone

from entries.models import Entry, Status
from entries.tests.helpers import create_admin, create_entry, create_writer, titles

FUTURE = timedelta(days=2)


class ReadersNeverSeeThemTests(TestCase):
    """Each path a reader takes lists the published entry, never the draft or the
    scheduled one (each holds the word `kumquat` and the tag `fruit`)."""

    @classmethod
    def setUpTestData(cls):
        cls.author = create_writer("author", "pw", "add_entry")
        now = timezone.now()
        cls.older = create_entry("Older kumquat", "kumquat", publish_at=now - timedelta(days=2))
        cls.published = create_entry("Published kumquat", "kumquat", author=cls.author)
        cls.draft = create_entry("Draft kumquat", "kumquat", author=cls.author, status="draft")
        cls.scheduled = create_entry(
            "Scheduled kumquat", "kumquat", author=cls.author, publish_at=now + FUTURE
        )
        for entry in [cls.older, cls.published, cls.draft, cls.scheduled]:
            entry.set_tags(["fruit"])

    def assert_only_published(self, listed):
        self.assertIn("Published kumquat", listed)
        self.assertNotIn("Draft kumquat", listed)
        self.assertNotIn("Scheduled kumquat", listed)

    def test_the_index(self):
        self.assert_only_published(titles(self.client.get("/")))

    def test_search(self):
        self.assert_only_published(titles(self.client.get("/search/?query=kumquat")))

    def test_a_short_search(self):
        self.assert_only_published(titles(self.client.get("/search/?query=ku")))

    def test_the_tag_page(self):
        self.assert_only_published(titles(self.client.get("/tags/fruit/")))

    def test_the_feeds(self):
        for url in ["/feed/", "/tags/fruit/feed/"]:
            with self.subTest(url=url):
                feed = feedparser.parse(self.client.get(url).content)
                self.assert_only_published([entry.title for entry in feed.entries])

    def test_the_tag_counts(self):
        self.assertContains(self.client.get("/tags/"), '<span class="count">(2)</span>')

    def test_the_newer_and_older_links(self):
        page = self.client.get(self.older.get_absolute_url())
        self.assertContains(page, f'<a rel="prev" href="{self.published.get_absolute_url()}">')
        page = self.client.get(self.published.get_absolute_url())
        self.assertNotContains(page, 'rel="prev"')
        self.assertContains(page, f'<a rel="next" href="{self.older.get_absolute_url()}">')

    def test_their_pages_are_404_to_readers_and_other_writers(self):
        other = self.client_class()
        other.force_login(create_writer("other", "pw", "add_entry", "delete_entry"))
        for entry in [self.draft, self.scheduled]:
            for client in [self.client, other]:
                for url in [entry.get_absolute_url(), f"/entries/{entry.pk}/"]:
                    with self.subTest(url=url):
                        self.assertEqual(client.get(url).status_code, 404)

    def test_a_scheduled_entry_comes_out_at_its_time(self):
        Entry.objects.filter(pk=self.scheduled.pk).update(
            publish_at=timezone.now() - timedelta(seconds=1)
        )
        self.assertIn("Scheduled kumquat", titles(self.client.get("/")))
        self.assertEqual(self.client.get(self.scheduled.get_absolute_url()).status_code, 200)


class TheirAuthorsAndEditorsSeeThemTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = create_writer("author", "pw", "add_entry")
        cls.editor = create_writer("editor", "pw", "change_entry")
        cls.draft = create_entry("My draft", "d", author=cls.author, status="draft")
        cls.scheduled = create_entry(
            "My plan", "s", author=cls.author, publish_at=timezone.now() + FUTURE
        )
        create_entry("Public", "p", author=cls.author)

    def test_the_author_and_an_editor_see_the_page_marked_and_kept_out_of_caches(self):
        for user in [self.author, self.editor]:
            self.client.force_login(user)
            for entry, says in [(self.draft, "Draft"), (self.scheduled, "Scheduled for")]:
                with self.subTest(user=user.username, entry=entry.title):
                    response = self.client.get(entry.get_absolute_url())
                    self.assertContains(response, says)
                    self.assertContains(response, '<meta name="robots" content="noindex">')
                    self.assertIn("no-store", response["Cache-Control"])
                    self.assertIn("private", response["Cache-Control"])

    def test_drafts_lists_the_writers_own_and_an_editor_sees_everyones(self):
        someone = create_entry("Another writer draft", "x", status="draft")
        self.client.force_login(self.author)
        page = self.client.get("/drafts/")
        self.assertContains(page, f'<a href="{self.draft.get_absolute_url()}">My draft</a>')
        self.assertContains(page, "Scheduled for")
        self.assertNotContains(page, "Another writer")
        self.assertNotContains(page, "Public")
        self.client.force_login(self.editor)
        self.assertContains(self.client.get("/drafts/"), someone.title)

    def test_drafts_without_any_says_so(self):
        self.client.force_login(create_writer("new", "pw", "add_entry"))
        self.assertContains(self.client.get("/drafts/"), "No drafts.")

    def test_drafts_logged_out_goes_to_the_login(self):
        self.assertRedirects(
            self.client.get("/drafts/"), "/login?next=/drafts/", fetch_redirect_response=False
        )


class WritingDraftsAndSchedulesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = create_admin()

    def setUp(self):
        self.client.force_login(self.admin)

    def post(self, **fields):
        return self.client.post("/add", {"title": "Planned", "text": "Later", **fields})

    def test_the_add_form_offers_publishing_as_it_was_and_the_edit_form_the_entrys_status(self):
        checked = 'value="{}" id="id_status_{}" checked'
        self.assertContains(self.client.get("/"), checked.format("published", 0))
        draft = create_entry("A draft", status="draft", author=self.admin)
        page = self.client.get(f"/entries/{draft.pk}/edit/")
        self.assertContains(page, checked.format("draft", 1))

    def test_a_draft_goes_to_its_page_which_says_so(self):
        response = self.post(status="draft")
        entry = Entry.objects.get()
        self.assertEqual((entry.status, entry.publish_at), (Status.DRAFT, None))
        self.assertRedirects(response, entry.get_absolute_url(), fetch_redirect_response=False)
        self.assertContains(
            self.client.get(response["Location"]),
            '<div class="flash success" role="status">The draft was saved.</div>',
        )
        self.assertContains(self.client.get("/"), "No entries yet. Add some!")

    def test_a_scheduled_entry_goes_to_its_page_which_says_when(self):
        response = self.post(publish_at="2099-05-06T07:08")
        entry = Entry.objects.get()
        self.assertEqual(entry.publish_at, datetime(2099, 5, 6, 7, 8, tzinfo=UTC))
        page = self.client.get(response["Location"])
        self.assertContains(page, "The entry will be published on 6 May 2099, 07:08 UTC.")

    def test_no_status_as_in_the_tutorials_form_publishes_now(self):
        before = timezone.now()
        self.assertRedirects(self.post(), "/")
        entry = Entry.objects.get()
        self.assertEqual(entry.status, Status.PUBLISHED)
        self.assertGreaterEqual(entry.publish_at, before)

    def test_a_past_time_backdates_the_entry(self):
        create_entry("Yesterday")
        self.assertRedirects(self.post(publish_at="2020-01-02T03:04:05Z"), "/")
        self.assertEqual(titles(self.client.get("/")), ["Yesterday", "Planned"])

    def test_every_spelling_of_a_time_is_read(self):
        spellings = {
            "2030-01-02T03:04": datetime(2030, 1, 2, 3, 4, tzinfo=UTC),
            "2030-01-02T03:04:05": datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
            "2030-01-02T03:04Z": datetime(2030, 1, 2, 3, 4, tzinfo=UTC),
            "2030-01-02T03:04:05+02:00": datetime(2030, 1, 2, 1, 4, 5, tzinfo=UTC),
            "2030-01-02 03:04-05:30": datetime(2030, 1, 2, 8, 34, tzinfo=UTC),
        }
        for spelling, expected in spellings.items():
            with self.subTest(spelling=spelling):
                self.post(publish_at=spelling, title=spelling)
                self.assertEqual(Entry.objects.get(title=spelling).publish_at, expected)

    @override_settings(TIME_ZONE="Europe/Paris")
    def test_a_time_without_an_offset_is_in_the_blogs_time_zone(self):
        self.post(publish_at="2030-07-01T12:00")
        self.assertEqual(Entry.objects.get().publish_at, datetime(2030, 7, 1, 10, 0, tzinfo=UTC))
        page = self.client.get(f"/entries/{Entry.objects.get().pk}/edit/")
        self.assertContains(page, 'value="2030-07-01T12:00"')

    def test_a_time_that_cannot_be_read_is_a_400_with_the_error(self):
        junks = ["tomorrow", "2030-13-01T00:00", "2030-02-30T10:00", "0000-01-01T00:00",
                 "9999-12-31T23:59-14:00", "2030-01-01T25:00", "2030-01-01", "1e9"]  # fmt: skip
        for junk in junks:
            with self.subTest(junk=junk):
                response = self.post(publish_at=junk)
                self.assertContains(response, "Enter a time as YYYY-MM-DDTHH:MM", status_code=400)
                self.assertContains(response, 'value="Planned"', status_code=400)
        self.assertFalse(Entry.objects.exists())

    def test_an_unknown_status_is_a_400(self):
        response = self.post(status="public")
        self.assertContains(response, "Select a valid choice", status_code=400)
        self.assertFalse(Entry.objects.exists())

    def test_an_edit_moves_the_publication_time(self):
        entry = create_entry("Out there", "x", author=self.admin)
        fields = {"title": "Out there", "text": "x", "publish_at": "2021-03-04T05:06Z"}
        self.client.post(f"/entries/{entry.pk}/edit/", fields)
        entry.refresh_from_db()
        self.assertEqual(entry.publish_at, datetime(2021, 3, 4, 5, 6, tzinfo=UTC))

    def test_an_edit_keeps_the_publication_time_and_can_unpublish(self):
        entry = create_entry("Out there", "x", author=self.admin)
        published = entry.publish_at
        url = f"/entries/{entry.pk}/edit/"
        form = self.client.get(url).context["form"]
        shown = form["publish_at"].value()
        response = self.client.post(url, {"title": "Out there", "text": "y", "publish_at": shown})
        self.assertRedirects(response, entry.get_absolute_url(), fetch_redirect_response=False)
        entry.refresh_from_db()
        self.assertEqual(entry.publish_at, published)
        self.client.post(url, {"title": "Out there", "text": "y", "status": "draft"})
        self.assertContains(self.client_class().get("/"), "No entries yet. Add some!")
        self.assertEqual(self.client_class().get(entry.get_absolute_url()).status_code, 404)

    def test_a_scheduled_entry_with_its_time_cleared_is_published_now(self):
        entry = create_entry("Soon", "x", publish_at=timezone.now() + FUTURE)
        self.client.post(f"/entries/{entry.pk}/edit/", {"title": "Soon", "text": "x"})
        entry.refresh_from_db()
        self.assertTrue(entry.is_published)


class EveryWriteOfTheStatusTests(TestCase):
    """Each way of writing an entry's status or time moves it on and off / and its tags'
    pages together (a tag's page reads the copy its taggings hold)."""

    def setUp(self):
        self.kept = create_entry("Kept kumquat", publish_at=timezone.now() - timedelta(days=1))
        self.entry = create_entry("Moved kumquat", status=Status.DRAFT)
        for entry in [self.kept, self.entry]:
            entry.set_tags(["fruit"])

    def listed(self, title="Moved kumquat"):
        """Whether the moved entry is on / and on its tag's page, in that order."""
        pages = [titles(self.client.get(url)) for url in ["/", "/tags/fruit/"]]
        return [title in page for page in pages]

    def test_a_draft_published_by_a_save_of_its_status_alone_comes_out_now(self):
        self.entry.status = Status.PUBLISHED
        self.entry.save(update_fields=["status"])
        self.assertEqual(self.listed(), [True, True])
        self.entry.refresh_from_db()
        self.assertAlmostEqual(self.entry.publish_at, timezone.now(), delta=timedelta(minutes=1))

    def test_bulk_update_of_the_status_or_the_time(self):
        for status, listed in [(Status.PUBLISHED, True), (Status.DRAFT, False)] * 2:
            with self.subTest(status=status):
                self.entry.status = status
                Entry.objects.bulk_update([self.entry], ["status"])
                self.assertEqual(self.listed(), [listed, listed])
        self.entry.status, self.entry.publish_at = Status.PUBLISHED, timezone.now() + FUTURE
        Entry.objects.bulk_update([self.entry], ["status", "publish_at"])
        self.assertEqual(self.listed(), [False, False])
        self.entry.publish_at = timezone.now() - FUTURE
        Entry.objects.bulk_update([self.entry], ["publish_at"])
        self.assertEqual(self.listed(), [True, True])

    def test_update_of_the_status_or_the_time(self):
        entries = Entry.objects.filter(pk=self.entry.pk)
        entries.update(title="Moved kumquat, renamed")
        editor = self.client_class()
        editor.force_login(create_admin())
        page = editor.get(Entry.objects.get(pk=self.entry.pk).get_absolute_url())
        self.assertContains(page, "not published yet")  # A draft has no time.
        entries.update(status=Status.PUBLISHED)  # Published now: it had no time.
        self.assertEqual(self.listed("Moved kumquat, renamed"), [True, True])
        entries.update(status=Status.DRAFT)
        self.assertEqual(self.listed("Moved kumquat, renamed"), [False, False])
        entries.update(status=Status.PUBLISHED, publish_at=timezone.now() + FUTURE)
        self.assertEqual(self.listed("Moved kumquat, renamed"), [False, False])
        entries.update(publish_at=timezone.now() - FUTURE)
        self.assertEqual(self.listed("Moved kumquat, renamed"), [True, True])

    def test_a_draft_published_again_by_update_keeps_its_first_time(self):
        self.kept.refresh_from_db()
        first = self.kept.publish_at
        entries = Entry.objects.filter(pk=self.kept.pk)
        entries.update(status=Status.DRAFT)
        entries.update(status=Status.PUBLISHED)
        self.assertEqual(Entry.objects.get(pk=self.kept.pk).publish_at, first)
        self.assertEqual(titles(self.client.get("/tags/fruit/")), ["Kept kumquat"])
