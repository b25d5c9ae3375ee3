"""What every import_* command shares: each source row or file taken as one entry, all or
nothing, once (Entry.import_ref remembers where it came from), under the web forms' rules,
and a report of what happened. (Django runs no command from a module whose name starts
with an underscore.)"""

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import MaxLengthValidator
from django.db import DatabaseError, transaction

from entries.forms import check_tags, tag_names
from entries.models import Entry, Markup, Status, Tag, Tagging, tag_key

# Entries written in one transaction: few enough that a batch with a bad row, written again
# one entry at a time, costs little; many enough that 100,000 rows go in fast.
BATCH_SIZE = 500  # pragma: no mutate: speed only (make bench-moving; the tests set their own)
# The title of an entry whose source has none (WordPress allows it; the forms do not).
UNTITLED = "Untitled"
# Exit statuses: 1 (CommandError) is a source that could not be read, nothing imported.
SOME_REFUSED = 2
TEXT_LENGTH = Entry._meta.get_field("text").max_length


@dataclass
class Item:
    """One row or file of a source, as an entry-to-be. `problem` is set when the source
    itself could not give it (a broken file): it is refused with that reason."""

    ref: str  # Entry.import_ref: where it came from
    name: str  # how the report names it: "row 12", "post 34", a file name
    title: str = ""
    text: str = ""
    markup: str = Markup.HTML
    status: str = Status.PUBLISHED
    publish_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    tags: list = field(default_factory=list)
    author: object = None  # the command's --author when None
    problem: str = ""


def find_author(username):
    """The user named, or None for no name; an unknown name is a CommandError."""
    if username is None:
        return None
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None


def reason(error):
    """A ValidationError as one line: `field: message` for each."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
    )


class Importer:
    """Takes items for a command and reports on its stdout and stderr."""

    def __init__(self, command, author=None):
        self.command = command
        self.author = author
        self.imported = self.already = self.refused = 0

    def run(self, items, total):
        """Import the items (an iterable of Item, `total` of them); write the summary.
        Raises CommandError (exit status 2) when any was refused."""
        done = 0
        for batch in itertools.batched(items, BATCH_SIZE, strict=False):
            done += self.take(batch)
            self.progress(done, total)
        if self.command.stdout.isatty():  # The progress line ends.
            self.command.stdout.write("")
        self.command.stdout.write(
            f"Imported {self.imported}, already there {self.already}, refused {self.refused}."
        )
        if self.refused:
            raise CommandError(
                f"{self.refused} refused (listed above); the rest was imported.",
                returncode=SOME_REFUSED,
            )

    def progress(self, done, total):
        if self.command.stdout.isatty():
            self.command.stdout.write(f"\r{done} of {total}", ending="")
            self.command.stdout.flush()

    def refuse(self, item, why):
        self.refused += 1
        self.command.stderr.write(f"{item.name}: refused: {why}")

    def stored_refs(self, refs):
        return set(Entry.objects.filter(import_ref__in=refs).values_list("import_ref", flat=True))

    def take(self, batch):
        """Import one batch of items; return how many there were."""
        seen = self.stored_refs([item.ref for item in batch])
        ready = []
        for item in batch:
            if item.ref in seen:
                self.already += 1
                continue
            seen.add(item.ref)  # A source that holds one row twice gives one entry.
            try:
                ready.append((item, *self.entry(item)))
            except ValidationError as error:
                self.refuse(item, reason(error))
        try:
            with transaction.atomic():
                self.write(ready)
        except DatabaseError:
            # One of them could not be stored: each again on its own, all or nothing.
            for one in ready:
                self.write_one(one)
        else:
            self.imported += len(ready)
        return len(batch)

    def write_one(self, one):
        item = one[0]
        try:
            with transaction.atomic():
                self.write([one])
        except DatabaseError as error:
            # Another run may have stored it since this one looked.
            if Entry.objects.filter(import_ref=item.ref).exists():
                self.already += 1
            else:
                self.refuse(item, str(error).strip())
        else:
            self.imported += 1

    def entry(self, item):
        """The entry and its tag names for an item, checked as the web forms check what they
        store (except that a text may be empty, as WordPress allows); or ValidationError."""
        if item.problem:
            raise ValidationError(item.problem)
        names = check_tags(tag_names(",".join(item.tags)) if item.tags else [])
        entry = Entry(
            title=item.title.strip() or UNTITLED,
            text=item.text,
            markup=item.markup,
            status=item.status,
            publish_at=item.publish_at,
            author=item.author or self.author,
            import_ref=item.ref,
        )
        if item.created_at is not None:
            entry.created_at = item.created_at
        entry.prepare()
        # A TextField's max_length is the forms' to check, not the model's.
        try:
            MaxLengthValidator(TEXT_LENGTH)(entry.text)
        except ValidationError as error:
            raise ValidationError({"text": error.messages}) from None
        # An empty text is WordPress's right. The author was found by the command, the
        # import_ref looked up by take(), and prepare() meets the constraint: checking them
        # again would cost a query each and change nothing (not mutated).
        exclude = ["text"] if not entry.text else []
        exclude.append("author")  # pragma: no mutate
        checks = {"validate_unique": False, "validate_constraints": False}  # pragma: no mutate
        entry.full_clean(exclude=exclude, **checks)
        return entry, names

    def write(self, ready):
        """Store the checked entries, their tags, and their times of last change."""
        if not ready:
            return
        entries = Entry.objects.bulk_create([entry for _, entry, _ in ready])
        names = [name for _, _, item_names in ready for name in item_names]
        tags = {tag.key: tag for tag in Tag.objects.for_names(names)}
        Tagging.objects.bulk_create(
            Tagging(entry=entry, tag=tag, status=entry.status, publish_at=entry.publish_at)
            for entry, (_, _, item_names) in zip(entries, ready, strict=True)
            for tag in {tag_key(name): tags[tag_key(name)] for name in item_names}.values()
        )
        changed = []
        for entry, (item, _, _) in zip(entries, ready, strict=True):
            if item.updated_at is not None:
                entry.updated_at = item.updated_at
                changed.append(entry)
        if changed:
            Entry.objects.bulk_update(changed, ["updated_at"])
