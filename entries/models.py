import nh3
from django.conf import settings
from django.db import models
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


def sanitize_html(text):
    """Return the text with only the allowed HTML left in it."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


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
