import html
import re

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from entries.caching import blog_changed

# What an entry's text may keep: formatting, lists, links, code and quotes.
# Everything else (script, style, iframe, event handlers, javascript: and data: URLs) is dropped.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "hr", "i", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# C0 control characters but tab, newline and carriage return, and DEL: no page, feed or
# database takes them all (PostgreSQL refuses NUL, XML refuses the rest). They are dropped.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def drop_control_characters(value):
    return CONTROL_CHARACTERS.sub("", value)


# A tag of sanitized HTML: its attribute values are quoted, and may hold a ">".
TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
BLOCK_TAG = re.compile(r"""</?(?:p|br|li|ul|ol|blockquote|pre|hr)\b(?:[^>"']|"[^"]*"|'[^']*')*>""")


def visible_text(html_text):
    """What a reader sees of sanitized HTML: the text without its tags (a line break between
    blocks, nothing inside a line), entities read."""
    text = BLOCK_TAG.sub("\n", html_text)
    return html.unescape(TAG.sub("", text)).strip()


def sanitize_html(text):
    """Return the text with only the allowed HTML left in it."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def stored_text(text):
    """An entry's text as it is stored: without control characters, sanitized."""
    return sanitize_html(drop_control_characters(text))


def after_key(key):
    """Entries after the (created_at, id) key in the newest-first order: a keyset page's
    condition, in the form the entry_newest_first index serves (a range of created_at)."""
    created_at, pk = key
    return Q(created_at__lte=created_at) & ~Q(created_at=created_at, pk__gte=pk)


class EntryQuerySet(models.QuerySet):
    """Writes that skip Entry.save() store clean text too, and tell the page cache."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = [entry.prepare() for entry in objs]
        created = super().bulk_create(objs, *args, **kwargs)
        blog_changed()
        return created

    def bulk_update(self, objs, *args, **kwargs):
        updated = super().bulk_update([entry.prepare() for entry in objs], *args, **kwargs)
        blog_changed()
        return updated

    def for_pages(self, *fields):
        """Entries with what pages show of them, and `fields` besides: their authors' names
        (`author_name`, None for a deleted author) and nothing else of the authors (no
        password hashes), not the search's copy of the text. Every column less, and every
        model instance less (a name, not a User), is less work for every page
        (docs/benchmarks.md)."""
        username = F(f"author__{get_user_model().USERNAME_FIELD}")
        return self.only("title", "text", "created_at", "author", *fields).annotate(
            author_name=username
        )

    def older_than(self, key):
        """Entries after the (created_at, id) key in the newest-first order."""
        return self.filter(after_key(key))

    def update(self, **kwargs):
        # Expressions (F(), Concat()) are the caller's to keep clean.
        if isinstance(kwargs.get("title"), str):
            kwargs["title"] = drop_control_characters(kwargs["title"])
        if isinstance(kwargs.get("text"), str):
            kwargs["text"] = stored_text(kwargs["text"])
            kwargs["plain_text"] = visible_text(kwargs["text"])
        updated = super().update(**kwargs)
        blog_changed()
        return updated


class Entry(models.Model):
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=100_000, help_text="HTML is allowed; it is sanitized.")
    # What a reader sees of the text (no tags, entities read), kept in step by prepare():
    # search matches this, so that `strong` or `href` find no entry by its markup.
    plain_text = models.TextField(default="", editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    # A search page shows its matches marked: entries.search.mark() sets these. Elsewhere
    # they are None, looked up as plain attributes (a missing one makes each template
    # lookup fall back to dir() on the instance, a tenth of an index page's time).
    marked_title = marked_text = snippet = None

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-created_at", "-id"]
        indexes = [
            # Serves the default order and the keyset pagination of the index page
            # (WHERE created_at <= ? ... ORDER BY created_at DESC, id DESC LIMIT 21),
            # so a page deep in the blog costs what the first one does.
            models.Index(fields=["-created_at", "-id"], name="entry_newest_first"),
        ]

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        # Here, not in a form, so that the admin and the shell store clean text too.
        self.prepare()
        # One transaction for the row and the blog's new version (caching.blog_changed), on
        # the database Model.save() writes to (not mutated: the project has only one).
        using = kwargs.get("using") or router.db_for_write(Entry)  # pragma: no mutate
        with transaction.atomic(using=using):
            super().save(**kwargs)

    def get_absolute_url(self):
        return reverse("entries:detail", args=[self.pk])

    def may_change(self, user):
        """The author may edit their entry; anyone else needs entries.change_entry
        (superusers hold every permission)."""
        return self.is_authors_or_allowed(user, "entries.change_entry")

    def may_delete(self, user):
        """The author may delete their entry; anyone else needs entries.delete_entry."""
        return self.is_authors_or_allowed(user, "entries.delete_entry")

    def is_authors_or_allowed(self, user, permission):
        return user.is_authenticated and (self.author_id == user.pk or user.has_perm(permission))

    def prepare(self):
        """Make the title and text fit to store: every path to the table passes here
        (save(), fixtures through prepare_raw_save, the QuerySet's bulk writes)."""
        self.title = drop_control_characters(self.title)
        self.text = stored_text(self.text)
        self.plain_text = visible_text(self.text)
        return self


@receiver(pre_save, sender=Entry)
def prepare_raw_save(sender, instance, raw, **kwargs):
    """Fixtures (loaddata) save rows raw, without Entry.save() and without auto_now."""
    if raw:
        instance.prepare()
        instance.updated_at = instance.updated_at or instance.created_at
