from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Prefetch
from django.utils.timezone import localtime

from entries.models import Entry, Status, Tag

# Entries read at a time: memory stays flat at any size.
BATCH_SIZE = 1000
# libyaml's dumper where PyYAML has it (its wheels do): several times the pure Python one.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def file_name(entry):
    """The entry's file: its creation day, which no edit changes, as Jekyll wants a post's
    name to start; its id, which makes the name unique; its slug, for people."""
    slug = f"-{entry.slug}" if entry.slug else ""
    return f"{localtime(entry.created_at):%Y-%m-%d}-{entry.pk}{slug}.md"


def moment(value):
    return value and localtime(value).isoformat()


def front_matter(entry):
    """What Hugo, Jekyll and Eleventy read (title, date, updated, tags, draft, author), and
    what this blog needs to read its entry back: created, markup."""
    fields = {
        "title": entry.title,
        "date": moment(entry.publish_at),
        "updated": moment(entry.updated_at),
        "created": moment(entry.created_at),
        "tags": [tag.name for tag in entry.tags.all()],
        "draft": entry.status == Status.DRAFT,
        "author": entry.author_name,
        "markup": entry.markup,
    }
    return yaml.dump(fields, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)


class Command(BaseCommand):
    help = (
        "Write every entry to DIR as a Markdown file with YAML front matter (Hugo, Jekyll and "
        "Eleventy read them; import_entries reads them back)."
    )

    def add_arguments(self, parser):
        # Help texts are words for people: the tests check what the options do, not these.
        parser.add_argument(
            "dir", help="The folder to write to (made if missing)."
        )  # pragma: no mutate

    def handle(self, dir, **options):
        folder = Path(dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"{folder}: cannot write there: {error.strerror}.") from None
        entries = (
            Entry.objects.order_by("pk")
            .only("title", "text", "markup", "slug", "status", "publish_at", "created_at",
                  "updated_at")
            .annotate(author_name=F(f"author__{get_user_model().USERNAME_FIELD}"))
            .prefetch_related(Prefetch("tags", Tag.objects.only("name")))
        )  # fmt: skip
        total, done = entries.count(), 0
        for entry in entries.iterator(chunk_size=BATCH_SIZE):
            text = f"---\n{front_matter(entry)}---\n{entry.text}"
            (folder / file_name(entry)).write_bytes(text.encode())
            done += 1
            if self.stdout.isatty() and (done % BATCH_SIZE == 0 or done == total):
                self.stdout.write(f"\r{done} of {total}", ending="")
                self.stdout.flush()
        if self.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(f"Exported {done} entries to {folder}.")
