"""{% load entry_head %}: what an entry's page tells crawlers and link previews in its <head>.

`text|summary` is the start of a text on one line, cut at a word (the meta description);
`time|iso_time` a time in ISO 8601 with the blog's offset (Open Graph, JSON-LD);
`{% blog_posting entry %}` the entry as schema.org's BlogPosting in a JSON-LD data block."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_default_timezone

register = template.Library()

# Google's rules for an Article's headline: at most 110 characters.
HEADLINE_LENGTH = 110
# What ends a <script> element or starts a comment in it, as Django's json_script escapes it.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def summary(text, length=160):
    """The text on one line, at most `length` characters: cut after the last whole word that
    fits, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    start = text[:length]
    if " " in start:
        return start[: start.rindex(" ")] + "…"
    return text[: length - 1] + "…"


@register.filter
def iso_time(value):
    """`2026-03-01T10:30:15+01:00`: the time in the blog's zone, to the second."""
    return value.astimezone(get_default_timezone()).replace(microsecond=0).isoformat()


@register.simple_tag(takes_context=True)
def blog_posting(context, entry):
    """The entry as a BlogPosting (headline, times, author, URL, tags) in a
    <script type="application/ld+json">: data, not a script, so `script-src 'self'` lets it
    be, and escaped so that no title or tag can end the element."""
    if entry.author_name:
        author = {"@type": "Person", "name": entry.author_name}
    else:  # A former user's entry is the blog's.
        author = {"@type": "Organization", "name": context["blog_title"]}
    posting = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": summary(entry.title, HEADLINE_LENGTH),
    }
    if description := summary(entry.plain_text):
        posting["description"] = description
    if entry.publish_at:  # A draft has no time yet.
        posting["datePublished"] = iso_time(entry.publish_at)
    posting |= {
        "dateModified": iso_time(entry.updated_at),
        "author": author,
        "url": context["canonical_url"],
        "keywords": [tag.name for tag in entry.shown_tags],
    }
    data = json.dumps(posting, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))
