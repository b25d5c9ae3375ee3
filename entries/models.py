import re

import nh3
from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

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

# On SQLite, a query found in this many entries or more is a common word: walking the
# newest-first index and checking each entry finds a page sooner than sorting every match.
COMMON_MATCHES = 2000


def sanitize_html(text):
    """Return the text with only the allowed HTML left in it."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


class EntryQuerySet(models.QuerySet):
    def matching(self, query):
        """Entries whose title or text contains `query`, in any case, through an index.

        SQLite's trigram index serves queries of three characters or more, as one quoted
        phrase so that FTS syntax in it is just text; for a common word it only counts the
        matches, up to COMMON_MATCHES, and the newest entries are checked one by one with
        a case-insensitive regular expression (Python's, so in any script, as FTS does).
        PostgreSQL's pg_trgm indexes serve Django's own icontains, and its planner makes
        the same choice itself. Shorter queries are a plain scan (callers cap them).
        """
        connection = connections[self.db]
        if connection.vendor == "sqlite" and len(query) >= 3:
            phrase = '"' + query.replace('"', '""') + '"'
            fts = "SELECT rowid FROM entries_entry_fts WHERE entries_entry_fts MATCH %s"
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({fts} LIMIT {COMMON_MATCHES})", [phrase])
                (matches,) = cursor.fetchone()
            if matches < COMMON_MATCHES:
                return self.filter(pk__in=RawSQL(fts, [phrase]))
            pattern = re.escape(query)
            return self.filter(Q(title__iregex=pattern) | Q(text__iregex=pattern))
        return self.filter(Q(title__icontains=query) | Q(text__icontains=query))


class Entry(models.Model):
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=100_000, help_text="HTML is allowed; it is sanitized.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EntryQuerySet.as_manager()

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
        # Sanitized here, not in a form, so that the admin and the shell store safe text too.
        self.text = sanitize_html(self.text)
        super().save(**kwargs)

    def get_absolute_url(self):
        return reverse("entries:detail", args=[self.pk])
