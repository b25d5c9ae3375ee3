"""{% load entry_html %}: `entry.html|keyboard_scrollable`, an entry's sanitized HTML with its
code blocks and tables reachable by keyboard.

A long line of code or a wide table scrolls sideways inside its block (style.css), and a
keyboard user scrolls only what can take the focus: each <pre> and <table> gets tabindex="0",
as static site generators give their code blocks. The sanitizer leaves both without
attributes (entries/text.py), and a "<" in the text is always escaped, so each is found as
the bare tag. Done when the page is shown, so that every entry has it, however old."""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

SCROLLERS = re.compile(r"<(pre|table)>")


@register.filter
def keyboard_scrollable(html):
    return mark_safe(SCROLLERS.sub(r'<\1 tabindex="0">', html))
