"""{% load entry_times %}: an entry's time in the site's TIME_ZONE, for machines
(`|iso_time`, as `date:"Y-m-d\\TH:i:sO"`) and for readers (`|reader_time`, as
`date:"j F Y, H:i"`).

Django's `date` filter parses its format afresh for each value; a page shows forty
times, and these two took half of its rendering (docs/benchmarks.md, the profile)."""

from django import template
from django.utils.dates import MONTHS
from django.utils.timezone import localtime

register = template.Library()


@register.filter
def iso_time(value):
    return localtime(value).strftime("%Y-%m-%dT%H:%M:%S%z")


@register.filter
def reader_time(value):
    local = localtime(value)
    return f"{local.day} {MONTHS[local.month]} {local:%Y, %H:%M}"
