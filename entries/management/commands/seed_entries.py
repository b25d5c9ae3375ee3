import random
from argparse import ArgumentTypeError
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import DateTimeField
from django.utils import timezone

from entries.caching import blog_changed
from entries.models import Entry, Tag, Tagging

# 1% of the entries hold the rare word, most hold the common one, the oldest 5% the old one
# and every other one of those the old half word: `make bench` searches for each. 1% have the
# rare tag and half the half tag: `make bench` reads their pages.
RARE_WORD = "needle"
COMMON_WORD = "haystack"
OLD_WORD = "fossil"
OLD_HALF_WORD = "relic"
OLD_SHARE = 0.05
RARE_TAG = "scarce"
HALF_TAG = "everyday"
# A list of 75 words reads better as text.
WORDS = (  # noqa: SIM905
    "alpha bravo cactus delta ember falcon garden harbor island jasper kettle lantern meadow "
    "nectar orbit pepper quartz river saddle timber umbra velvet willow yonder zephyr amber "
    "basket candle dune engine fable glacier hollow ivory jungle kernel lemon marble nickel "
    "olive pebble quiver raven silver tundra urchin violet walnut yarrow zinc anchor beacon "
    "copper drift echo fern granite heron indigo jigsaw kiln lagoon mosaic north oak prism "
    "quill ridge spruce thistle upland vapor wander yeast zenith"
).split()
FIRST_DAY = datetime(2020, 1, 1, tzinfo=UTC)
BATCH_SIZE = 2000
FTS_OPTIMIZE = "INSERT INTO entries_entry_fts(entries_entry_fts) VALUES ('optimize')"
FTS_AUTOMERGE = "INSERT INTO entries_entry_fts(entries_entry_fts, rank) VALUES ('automerge', %s)"


def positive_int(value):
    if not value.isdigit() or int(value) < 1:
        raise ArgumentTypeError(f"must be a whole number of 1 or more, not {value!r}")
    return int(value)


def sentence(rng, length):
    words = rng.choices(WORDS, k=length)
    return " ".join(words).capitalize()


class Command(BaseCommand):
    help = (
        f"Add N made-up entries (the same ones for the same N): titles of ~40 characters, "
        f"texts of ~400, exactly 1% holding {RARE_WORD!r}, most {COMMON_WORD!r}, "
        f"and the oldest 5% {OLD_WORD!r}."
    )

    def add_arguments(self, parser):
        # Help texts are words for people: the tests check what the options do, not these.
        parser.add_argument(
            "count",
            type=positive_int,
            metavar="N",
            help="How many to add.",  # pragma: no mutate
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Delete every entry first.",  # pragma: no mutate
        )
        parser.add_argument(
            "--author",
            help="The username the entries are written by.",  # pragma: no mutate
        )

    def handle(self, count, clear, author, **options):
        if author is not None:
            try:
                author = get_user_model().objects.get_by_natural_key(author)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {author!r}.") from None
        rng = random.Random(count)
        rare = set(rng.sample(range(count), count // 100))
        old = int(count * OLD_SHARE)
        # One transaction: an interrupted seed leaves the blog as it was.
        with transaction.atomic():
            if connection.vendor == "sqlite":
                # No merging of the search index's segments while they are written: the
                # optimize below merges them all once (at 1,000,000 entries, 205 s -> 161 s).
                automerge = self.fts_automerge(0)  # pragma: no mutate: speed only (make bench)
            if clear:
                Entry.objects.all().delete()
            rare_tag, half_tag = Tag.objects.for_names([RARE_TAG, HALF_TAG])
            for start in range(0, count, BATCH_SIZE):
                numbers = range(start, min(start + BATCH_SIZE, count))
                entries = self.insert(
                    [self.entry(rng, n, n in rare, n < old, author) for n in numbers]
                )
                Tagging.objects.bulk_create(
                    Tagging(entry=entry, tag=tag, status=entry.status, publish_at=entry.publish_at)
                    for n, entry in zip(numbers, entries, strict=True)
                    for tag in [rare_tag] * (n % 100 == 0) + [half_tag] * (n % 2 == 0)
                )
                if self.stdout.isatty():
                    self.stdout.write(f"\r{numbers[-1] + 1} of {count}", ending="")
                    self.stdout.flush()
            if self.stdout.isatty():  # The progress line ends.
                self.stdout.write("")
            blog_changed()
            if connection.vendor == "sqlite":
                # Merge the search index into one segment, as FTS5 advises after a bulk load;
                # else the first thousands of posts pay for merging what the seed wrote
                # (at 100,000 entries POST /add went from about 770 to 900 req/s).
                with connection.cursor() as cursor:
                    cursor.execute(FTS_OPTIMIZE)
                self.fts_automerge(automerge)
        total = Entry.objects.count()
        self.stdout.write(f"Added {count} entries ({total} in all).")

    def insert(self, entries):
        """The entries, prepared and stored, with their ids. On SQLite, the rows go in as one
        INSERT of many rows with the next ids (the seed's transaction holds SQLite's one
        write lock): bulk_create()'s preparing of each field for the database was half of the
        seed. One statement, not one per row: FTS5 writes a segment of the search index at
        the end of each statement. PostgreSQL takes ids from its sequence, which posts share."""
        if connection.vendor != "sqlite":
            return Entry.objects.bulk_create(entries)
        fields = [field for field in Entry._meta.concrete_fields if not field.primary_key]
        first = (Entry.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        now = timezone.now()
        rows = []
        for pk, entry in enumerate(entries, first):
            entry.prepare()
            entry.pk, entry.updated_at = pk, now
            rows.append([pk, *(getattr(entry, field.attname) for field in fields)])
        adapt = connection.ops.adapt_datetimefield_value
        times = [n + 1 for n, field in enumerate(fields) if isinstance(field, DateTimeField)]
        for row in rows:
            for n in times:
                row[n] = adapt(row[n])
        columns = ", ".join(["id", *(field.column for field in fields)])
        row = f"({', '.join(['%s'] * (len(fields) + 1))})"
        values = ", ".join([row] * len(rows))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO entries_entry ({columns}) VALUES {values}",
                [value for row in rows for value in row],
            )
        return entries

    def fts_automerge(self, level):
        """Set the search index's automerge level; return the one it had."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT v FROM entries_entry_fts_config WHERE k = 'automerge'"  # pragma: no mutate
            )
            (was,) = cursor.fetchone()  # Set by the migrations (0010: 4).
            cursor.execute(FTS_AUTOMERGE, [level])
        return was

    def entry(self, rng, n, rare, old, author):
        # The shape of the made-up text (how long a title is, where a paragraph ends, whether
        # the dates run up or down) matters to nobody: its sizes and its words are what count.
        words = rng.choices(WORDS, k=60)
        if rng.random() < 0.9:  # pragma: no mutate: <= differs once in 2**53 draws
            words[rng.randrange(len(words))] = COMMON_WORD
        if rare:
            words[rng.randrange(len(words))] = RARE_WORD
        if old:
            where = rng.randrange(len(words))
            words[where] = OLD_WORD
            if n % 2 == 0:
                words[(where + 1) % len(words)] = OLD_HALF_WORD
        paragraphs = (" ".join(words[:30]), " ".join(words[30:]))  # pragma: no mutate
        return Entry(
            title=f"{sentence(rng, 5)} {n}",  # pragma: no mutate
            text="".join(f"<p>{p.capitalize()}.</p>" for p in paragraphs),  # pragma: no mutate
            author=author,
            publish_at=FIRST_DAY + timedelta(minutes=n),  # pragma: no mutate
            created_at=FIRST_DAY + timedelta(minutes=n),  # pragma: no mutate
        )
