"""The sitemap: /, the tag pages and every published entry, for crawlers.

Django's sitemap framework, with one change: its paginator counts the rows and reads each
page with OFFSET, so that the last file of a large blog costs a scan of every entry before
it. Here each numbered file is a range of FILE_SIZE ids, from the range that holds the
smallest published id to the one that holds the largest, read by the primary key as a page
of / is read by its index: the last file costs what the first does, and the index knows its
files from those two ids (two index lookups), not from a count.
"""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef
from django.urls import reverse
from django.utils.functional import cached_property

from entries.models import Entry, Tag, Tagging, published_q

FILE_SIZE = 2000


class IdRangePaginator(Paginator):
    """Pages of entries by ranges of `per_page` ids: page 1 is the range that holds the
    smallest id, the last the range that holds the largest (two lookups of the primary key),
    and each page holds the published entries of its range. Whether an entry is published is
    a flag the database gives, not a condition: as a condition, SQLite walked the index of
    every published entry (10 ms at 100,000) instead of the 2,000 ids of the range."""

    @cached_property
    def ranges(self):
        # Two queries: SQLite takes MIN() or MAX() from an index's end, not both at once.
        ids = Entry.objects.values_list("id", flat=True)
        smallest, largest = ids.order_by("id").first() or 1, ids.order_by("-id").first() or 1
        return (smallest - 1) // self.per_page, (largest - 1) // self.per_page

    @cached_property
    def num_pages(self):
        first, last = self.ranges
        return last - first + 1

    def page(self, number):
        number = self.validate_number(number)
        low = (self.ranges[0] + number - 1) * self.per_page
        # The database gives the flag as 0 or 1 whatever the output field says.
        shown = ExpressionWrapper(published_q(), output_field=BooleanField())  # pragma: no mutate
        entries = self.object_list.filter(id__gt=low, id__lte=low + self.per_page)
        entries = entries.annotate(shown=shown).order_by("id")
        # The sitemap reads a page's entries only, not its number nor its paginator.
        return Page([entry for entry in entries if entry.shown], number, self)  # pragma: no mutate

    def validate_number(self, number):
        number = super().validate_number(number)
        if number > self.num_pages:
            # Django's sitemap view answers 404 in its own words.
            raise EmptyPage("That sitemap file does not exist.")  # pragma: no mutate
        return number


class EntrySitemap(Sitemap):
    protocol = "https"
    limit = FILE_SIZE

    def items(self):
        # Published ones only: the paginator's pages keep those (IdRangePaginator).
        # What the file shows of an entry; a field left out would be read on its own.
        return Entry.objects.only("slug", "updated_at")  # pragma: no mutate: speed only

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, entry):
        return entry.updated_at

    def get_latest_lastmod(self):
        # Django's would read every entry; the index names its files without it.
        return None

    def get_urls(self, page=1, site=None, protocol=None):
        # A range of ids with no published entry in it (all drafts, or deleted): the index
        # page alone, so that the file is still a sitemap (which lists one URL at least).
        # Both sitemaps name their protocol (https), which Django prefers to the argument.
        urls = super().get_urls(page, site)
        return urls or PageSitemap().get_urls(1, site)[:1]


class PageSitemap(Sitemap):
    """The index page, the list of tags, and each tag that has a published entry."""

    protocol = "https"

    def items(self):
        published = Tagging.objects.filter(published_q(), tag=OuterRef("pk"))
        tags = Tag.objects.filter(Exists(published)).only("slug")
        return ["entries:index", "entries:tags", *tags]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()


SITEMAPS = {"pages": PageSitemap, "entries": EntrySitemap}
