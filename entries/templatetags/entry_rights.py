"""{% load entry_rights %}: `entry|may_change:user`, `entry|may_delete:user` in templates, so that
pages show an edit link or a delete button only where it would work."""

from django import template

register = template.Library()


@register.filter
def may_change(entry, user):
    return entry.may_change(user)


@register.filter
def may_delete(entry, user):
    return entry.may_delete(user)
