"""An entry's text: Markdown (or, for entries written before it, HTML) made into the sanitized
HTML that pages show, and the plain text that search reads.

Markdown is rendered by cmark-gfm (cmarkgfm), GitHub's C implementation of CommonMark with
its tables, strikethrough and bare-URL links: at 100,000 characters of hostile Markdown it
takes 10-20 ms where markdown-it-py took 300-600 ms (docs/how-it-works.md, "Entries and their
text"). HTML typed inside the Markdown is kept, then everything is sanitized by nh3.
"""

import html
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django.core.exceptions import ValidationError

MARKDOWN, HTML = "markdown", "html"

# What an entry's text may keep: formatting, lists, links, code, quotes, tables and headings.
# Everything else (script, style, iframe, event handlers, javascript: and data: URLs) is dropped.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "h3", "h4", "h5", "h6",
    "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "code": {"class"},
    "td": {"class"},
    "th": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# The classes a class attribute may hold: a fenced block's language, a column's alignment.
ALLOWED_CLASS = {
    "code": re.compile(r"language-[\w+#.-]{1,40}"),
    "td": re.compile(r"align-(left|center|right)"),
    "th": re.compile(r"align-(left|center|right)"),
}

# C0 control characters but tab, newline and carriage return, and DEL: no page, feed or
# database takes them all (PostgreSQL refuses NUL, XML refuses the rest). They are dropped.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# A tag of sanitized HTML: its attribute values are quoted, and may hold a ">".
TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
BLOCK_TAG = re.compile(
    r"""</?(?:p|br|li|ul|ol|blockquote|pre|hr|h[1-6]|table|thead|tbody|tr|td|th)\b"""
    r"""(?:[^>"']|"[^"]*"|'[^']*')*>"""
)

# How deeply quotes, lists and tags may nest. The sanitizer's time grows with the square of
# the depth (20,000 nested <ul>: a second); a real text nests a few levels.
MAX_DEPTH = 50
# Elements a parser closes by itself (a <p> ends at the next one), and those with no content:
# neither makes the text deeper.
SHALLOW = {
    "area", "base", "br", "caption", "col", "colgroup", "dd", "dt", "embed", "hr", "img",
    "input", "li", "link", "meta", "option", "p", "param", "source", "tbody", "td", "tfoot",
    "th", "thead", "tr", "track", "wbr",
}  # fmt: skip
START_OR_END_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")

HEADING = re.compile(r"<(/?)h([1-6])\b")
ALIGN = re.compile(r'<(td|th) align="(left|center|right)"')
CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE  # HTML is kept here and sanitized below.
CMARK_EXTENSIONS = ["table", "strikethrough", "autolink"]


def drop_control_characters(value):
    return CONTROL_CHARACTERS.sub("", value)


def visible_text(sanitized):
    """What a reader sees of sanitized HTML: the text without its tags (a line break between
    blocks, nothing inside a line), entities read."""
    text = BLOCK_TAG.sub("\n", sanitized)
    return html.unescape(TAG.sub("", text)).strip()


def keep_allowed_class(element, attribute, value):
    if attribute != "class":
        return value
    allowed = ALLOWED_CLASS.get(element)
    return value if allowed and allowed.fullmatch(value) else None


def sanitize_html(text):
    """Return the HTML with only the allowed tags, attributes and classes left in it."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep_allowed_class,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def check_depth(markup):
    """Refuse HTML nested deeper than MAX_DEPTH, before the sanitizer spends seconds on it."""
    depth = 0
    for match in START_OR_END_TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in SHALLOW:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > MAX_DEPTH:
            raise ValidationError(
                f"The text is nested too deeply: at most {MAX_DEPTH} levels of quotes, lists "
                "or tags.",
                code="too_deep",
            )


def lower_headings(markup):
    """Headings start below the entry's title (an <h2>): # is <h3>, and so on down to <h6>."""
    return HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}", markup)


def render(source, markup=MARKDOWN):
    """The sanitized HTML of an entry's text (raises ValidationError when it nests too deeply)."""
    source = drop_control_characters(source)
    if markup == MARKDOWN:
        source = cmarkgfm.markdown_to_html_with_extensions(
            source, options=CMARK_OPTIONS, extensions=CMARK_EXTENSIONS
        )
        # Table columns' alignment as classes: the align attribute is obsolete in HTML5.
        source = ALIGN.sub(r'<\1 class="align-\2"', source)
    check_depth(source)
    return sanitize_html(lower_headings(source))
