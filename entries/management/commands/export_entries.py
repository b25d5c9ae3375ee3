import json
import re
from collections import defaultdict
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from entries.models import Entry, Status, Tagging

# Entries read at a time: memory stays flat at any size.
BATCH_SIZE = 1000  # pragma: no mutate: memory and speed only (the tests set their own)
FIELDS = ["id", "title", "text", "markup", "slug", "status", "publish_at", "created_at",
          "updated_at"]  # fmt: skip
# What a JSON string may hold that a YAML stream may not hold raw (YAML 1.1 reads U+0085,
# U+2028 and U+2029 as line breaks, and refuses the C1 controls and U+FFFE/U+FFFF).
NOT_RAW_IN_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def quoted(value):
    """A YAML double-quoted scalar of the string (None: null): a JSON string is one, less
    the characters above, written as escapes. PyYAML's dumper took three quarters of the
    export's time (170 us a file), this a twentieth."""
    if value is None:
        return "null"
    text = json.dumps(value, ensure_ascii=False)
    return NOT_RAW_IN_YAML.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def moment(value):
    return quoted(value and value.isoformat())


def file_name(entry):
    """The entry's file: its creation day, which no edit changes, as Jekyll wants a post's
    name to start; its id, which makes the name unique; its slug, for people."""
    slug = f"-{entry['slug']}" if entry["slug"] else ""
    return f"{entry['created_at']:%Y-%m-%d}-{entry['id']}{slug}.md"


def markdown_file(entry, tags):
    """The file: YAML front matter that Hugo, Jekyll and Eleventy read (title, date,
    updated, tags, draft, author) and what this blog needs to read its entry back (created,
    markup), then the text as it was written. Times in UTC."""
    return (
        "---\n"
        f"title: {quoted(entry['title'])}\n"
        f"date: {moment(entry['publish_at'])}\n"
        f"updated: {moment(entry['updated_at'])}\n"
        f"created: {moment(entry['created_at'])}\n"
        f"tags: [{', '.join(quoted(name) for name in tags)}]\n"
        f"draft: {'true' if entry['status'] == Status.DRAFT else 'false'}\n"
        f"author: {quoted(entry['author_name'])}\n"
        f"markup: {entry['markup']}\n"
        "---\n"
        f"{entry['text']}"
    )


def batches():
    """The entries by batches of ids, as dicts, each batch with its entries' tag names."""
    username = F(f"author__{get_user_model().USERNAME_FIELD}")
    entries = Entry.objects.order_by("pk").values(*FIELDS, author_name=username)
    last = 0
    while batch := list(entries.filter(pk__gt=last)[:BATCH_SIZE]):
        first, last = batch[0]["id"], batch[-1]["id"]
        tags = defaultdict(list)
        taggings = Tagging.objects.filter(entry__gte=first, entry__lte=last).order_by("tag__key")
        for entry_id, name in taggings.values_list("entry_id", "tag__name"):
            tags[entry_id].append(name)
        yield batch, tags


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
        total, done = Entry.objects.count(), 0
        for batch, tags in batches():
            for entry in batch:
                content = markdown_file(entry, tags[entry["id"]])
                (folder / file_name(entry)).write_bytes(content.encode())
            done += len(batch)
            if self.stdout.isatty():
                self.stdout.write(f"\r{done} of {total}", ending="")
                self.stdout.flush()
        if self.stdout.isatty():  # The progress line ends.
            self.stdout.write("")
        self.stdout.write(f"Exported {done} entries to {folder}.")
