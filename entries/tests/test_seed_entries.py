"""`manage.py seed_entries N`: a blog of any size for a demo or `make bench`."""

from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase

from entries import search
from entries.management.commands import seed_entries
from entries.management.commands.seed_entries import (
    COMMON_WORD,
    HALF_TAG,
    OLD_HALF_WORD,
    OLD_WORD,
    RARE_TAG,
    RARE_WORD,
)
from entries.models import Entry, Tag
from entries.tests.helpers import TTY, create_entry, create_user


def seed(*args):
    out = StringIO()
    call_command("seed_entries", *map(str, args), stdout=out)
    return out.getvalue()


class SeedEntriesTests(TestCase):
    def test_it_adds_n_entries_of_tutorial_size_and_says_so(self):
        output = seed(300)
        self.assertEqual(Entry.objects.count(), 300)
        self.assertIn("Added 300 entries (300 in all)", output)
        entry = Entry.objects.first()
        self.assertLessEqual(30, len(entry.title))
        self.assertLessEqual(len(entry.title), 50)
        self.assertLessEqual(300, len(entry.text))
        self.assertLessEqual(len(entry.text), 500)

    def test_exactly_one_percent_hold_the_rare_word_and_most_the_common_one(self):
        seed(300)
        self.assertEqual(Entry.objects.filter(text__contains=RARE_WORD).count(), 3)
        common = Entry.objects.filter(text__contains=COMMON_WORD).count()
        self.assertTrue(240 <= common < 300, common)  # about 90%, not all
        self.assertFalse(Entry.objects.filter(title__contains=RARE_WORD).exists())

    def test_the_oldest_five_percent_hold_the_old_word(self):
        seed(300)
        old = Entry.objects.filter(text__icontains=OLD_WORD).order_by("publish_at")
        oldest = Entry.objects.order_by("publish_at")[:15]
        self.assertEqual(list(old), list(oldest))

    def test_every_other_entry_of_the_oldest_five_percent_holds_the_old_half_word(self):
        seed(300)
        oldest = list(Entry.objects.order_by("publish_at")[:15])
        holding = list(Entry.objects.filter(text__icontains=OLD_HALF_WORD).order_by("publish_at"))
        self.assertEqual(holding, oldest[::2])

    def test_one_percent_have_the_rare_tag_and_half_the_half_tag(self):
        with mock.patch.object(seed_entries, "BATCH_SIZE", 7):
            seed(400)
        self.assertEqual(Tag.objects.get(name=RARE_TAG).entries.count(), 4)
        self.assertEqual(Tag.objects.get(name=HALF_TAG).entries.count(), 200)
        tagged = Entry.objects.published(tag=Tag.objects.get(name=HALF_TAG))
        self.assertEqual(tagged.count(), 200)  # Their taggings hold the entries' times.

    def test_on_sqlite_it_leaves_the_search_index_merged_into_one_segment(self):
        """As FTS5 advises after a bulk load: else the first posts pay for merging the seed."""
        if connection.vendor != "sqlite":
            self.skipTest("SQLite only")
        with mock.patch.object(seed_entries, "BATCH_SIZE", 3):
            seed(10)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT segid) FROM entries_entry_fts_idx")
            self.assertEqual(cursor.fetchone(), (1,))

    def test_on_sqlite_it_leaves_the_search_indexs_merging_as_it_was(self):
        """The seed turns merging off while it writes; posts after it merge as before."""
        if connection.vendor != "sqlite":
            self.skipTest("SQLite only")
        seed(10)
        with connection.cursor() as cursor:
            cursor.execute("SELECT v FROM entries_entry_fts_config WHERE k = 'automerge'")
            self.assertEqual(cursor.fetchone(), (4,))

    @mock.patch.object(search, "MAX_MATCHES", 1000)
    def test_the_search_index_is_kept_in_step(self):
        seed(300)
        self.assertEqual(len(search.find(RARE_WORD, limit=1000).entries), 3)
        self.assertEqual(
            len(search.find(COMMON_WORD, limit=1000).entries),
            Entry.objects.filter(text__icontains=COMMON_WORD).count(),
        )

    def test_the_same_n_gives_the_same_entries(self):
        seed(50)
        first = list(Entry.objects.values_list("title", "text", "publish_at"))
        seed("--clear", 50)
        self.assertEqual(list(Entry.objects.values_list("title", "text", "publish_at")), first)

    def test_they_have_distinct_times_older_than_a_new_post(self):
        seed(50)
        stamps = list(Entry.objects.values_list("publish_at", flat=True))
        self.assertEqual(stamps, sorted(set(stamps), reverse=True))
        later = create_entry("Written after the seed")
        self.assertEqual(Entry.objects.first(), later)

    def test_clear_empties_the_blog_first(self):
        create_entry("Old")
        seed("--clear", 10)
        self.assertEqual(Entry.objects.count(), 10)
        self.assertFalse(Entry.objects.filter(title="Old").exists())

    def test_without_clear_it_keeps_what_is_there(self):
        create_entry("Old")
        output = seed(10)
        self.assertEqual(Entry.objects.count(), 11)
        self.assertIn("Added 10 entries (11 in all)", output)

    def test_author_names_who_wrote_them(self):
        user = create_user("writer")
        seed("--author", "writer", 5)
        self.assertEqual(Entry.objects.filter(author=user).count(), 5)

    def test_an_unknown_author_is_an_error_and_adds_nothing(self):
        with self.assertRaisesMessage(CommandError, "No user named 'nobody'"):
            seed("--author", "nobody", 5)
        self.assertFalse(Entry.objects.exists())

    def test_n_must_be_a_whole_number_of_one_or_more(self):
        for bad in ["0", "-3", "2.5", "many"]:
            message = f"Error: argument N: must be a whole number of 1 or more, not '{bad}'"
            with self.subTest(n=bad), self.assertRaisesMessage(CommandError, message):
                seed(bad)
        self.assertFalse(Entry.objects.exists())
        seed(1)
        self.assertEqual(Entry.objects.count(), 1)

    def test_large_counts_go_in_batches_that_add_up_to_exactly_n(self):
        with mock.patch.object(seed_entries, "BATCH_SIZE", 3):
            seed(8)
        titles = list(Entry.objects.values_list("title", flat=True))
        self.assertEqual(len(titles), 8)
        self.assertEqual(sorted(int(title.split()[-1]) for title in titles), list(range(8)))

    def test_a_terminal_sees_the_progress(self):
        out = TTY()
        with mock.patch.object(seed_entries, "BATCH_SIZE", 4):
            call_command("seed_entries", "10", stdout=out)
        self.assertEqual(
            out.getvalue(), "\r4 of 10\r8 of 10\r10 of 10\nAdded 10 entries (10 in all).\n"
        )
