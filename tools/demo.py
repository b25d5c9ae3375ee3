"""A blog to look at: entries written in Markdown (code, a wide table, a quote, lists, a long
URL) with tags, by one author. The page checks (tests/system/test_pages.py) and
`make lighthouse` (scripts/lighthouse.py) look at it; call it with Django set up, e.g.
`python manage.py shell -c "from tools.demo import create_blog; create_blog()"`.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

LONG_ENTRY_TITLE = "Testing Flaskr on Django, from the tutorial to the browser"
LONG_ENTRY = """\
The original tutorial builds the blog **test first**: each step starts with a test that fails.
This port keeps the habit, and the tests now run against a real browser and a real server.

# What a test looks like

```python
class TutorialTests(TestCase):
    def test_the_index_shows_the_newest_entry_first(self):
        create_entry("Older")
        create_entry("Newer")
        self.assertEqual(titles(self.client.get("/")), ["Newer", "Older"], "the newest entry comes first, whatever the order in which the test wrote them")
```

Run them with `make test`; `make test-fast` is the quick loop.

# What each layer checks

| layer | runs | checks | takes | where it lives in the project |
|:------|:-----|:-------|------:|:------------------------------|
| the app's tests | Django's test client | views, forms, models, the page cache | 25 s | `entries/tests/` |
| the system tests | gunicorn, PostgreSQL, Chromium | what only a real process shows | 2 min | `tests/system/` |
| Lighthouse | Chromium, in a phone's size | speed, accessibility, best practices, SEO | 1 min | `scripts/lighthouse.py` |

> Write the test first. Watch it fail. Then write just enough code to make it pass.
>
> — the Flaskr tutorial, more or less

1. Write a failing test.
2. Make it pass.
3. Tidy up, and run everything again.

The whole story is at https://github.com/mjhea0/flaskr-tdd/blob/master/README.md#test-driven-development-step-by-step-with-flask-and-jquery and in the project's docs.
"""  # noqa: E501 (long lines are the point: they must scroll or wrap, never the page)
TAGS = ["Django", "testing", "jQuery", "Python", "deploys"]


def create_blog(count=24, author="writer"):
    """`count` short entries and one long one, newest last, tagged; the author is made if
    missing. Returns the long entry."""
    from entries.models import Entry  # Django must be set up first.

    user, _ = get_user_model().objects.get_or_create(username=author)
    start = timezone.now() - timedelta(days=count + 1)
    for n in range(1, count + 1):
        entry = Entry.objects.create(
            title=f"Entry {n}: notes from the tutorial",
            text=f"Step {n} of the tutorial, retold. *Markdown* works, with `code` and "
            f"[links](https://example.com/{n}).",
            author=user,
            publish_at=start + timedelta(days=n),
        )
        entry.set_tags([TAGS[n % len(TAGS)], TAGS[(n + 2) % len(TAGS)]])
    entry = Entry.objects.create(title=LONG_ENTRY_TITLE, text=LONG_ENTRY, author=user)
    entry.set_tags(["Django", "testing", "Lighthouse"])
    return entry
