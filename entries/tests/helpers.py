"""Test data helpers shared by the test files: one small function per kind of row."""

import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from entries.models import Entry

# The original tutorial's credentials (its config.py), kept for the tests that retell it.
USERNAME = "admin"
PASSWORD = "default"


def create_user(username=USERNAME, password=PASSWORD, **extra):
    return get_user_model().objects.create_user(username=username, password=password, **extra)


def create_admin(username=USERNAME, password=PASSWORD):
    """The tutorial's one admin: a superuser, who holds every permission."""
    return create_user(username, password, is_staff=True, is_superuser=True)


def create_writer(username="writer", password=PASSWORD, *permissions):
    """A user with the given entries permissions ("add_entry", "change_entry", ...)."""
    user = create_user(username, password)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="entries", codename__in=permissions)
    )
    return user


def create_entry(title="A title", text="Some text", author=None, **extra):
    return Entry.objects.create(title=title, text=text, author=author, **extra)


def admin_form(**fields):
    """What the admin's entry form posts: its fields, blank or at their defaults, then `fields`."""
    return {"title": "", "text": "", "markup": "markdown", "tags": "", "status": "published",
            "publish_at": "", "author": "", **fields}  # fmt: skip


def titles(response):
    """The entry titles a page lists, in order."""
    found = re.findall(
        r'<h2><a href="/entries/\d+[^"]*/">(.*?)</a></h2>', response.content.decode()
    )
    return [re.sub(r"</?mark>", "", title) for title in found]


def next_link(response):
    """The page's rel="next" link, or None."""
    match = re.search(r'<a rel="next" href="([^"]*)"', response.content.decode())
    return match and match.group(1).replace("&amp;", "&")


def page_queries(queries):
    """The SELECTs a request made (from a CaptureQueriesContext), other than the page cache's."""
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT")
        and not re.search(r"flaskr_(cache|pages)", query["sql"])
    ]


class TTY(StringIO):
    """Output that says it is a terminal, as commands' progress lines want."""

    def isatty(self):
        return True


def run_command(command, *args, stdout=None):
    """Run the command: (stdout, stderr, the exit status)."""
    out, err = stdout or StringIO(), StringIO()
    try:
        call_command(command, *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue() + f"CommandError: {error}\n", error.returncode
    return out.getvalue(), err.getvalue(), 0
