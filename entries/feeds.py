from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from entries.models import Entry
from entries.views import TagMoved, find_tag

FEED_SIZE = 20


class AtomWithContent(Atom1Feed):
    """Atom with each entry's sanitized HTML as <content>, which readers show in full."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestEntriesFeed(Feed):
    """The newest published entries, each with its publication and last-change times and its
    tags; the blog's name and description from settings (BLOG_TITLE, BLOG_DESCRIPTION)."""

    feed_type = AtomWithContent

    def title(self):
        return settings.BLOG_TITLE

    def subtitle(self):
        return settings.BLOG_DESCRIPTION

    def link(self):
        return reverse("entries:index")

    def items(self):
        return Entry.objects.published().for_pages("updated_at")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return None  # The text goes in <content>; no <summary> repeating it.

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.shown_tags]

    def item_extra_kwargs(self, item):
        return {"content": item.html}


class TagFeed(LatestEntriesFeed):
    """One tag's newest published entries; 404 for an unknown tag, 301 for a renamed one's
    old address."""

    def __call__(self, request, slug):
        try:
            return super().__call__(request, slug=slug)
        except TagMoved as moved:
            return redirect("entries:tag_feed", moved.tag.slug, permanent=True)

    def get_object(self, request, slug):
        tag = find_tag(slug)
        if not Entry.objects.published(tag=tag).exists():
            # Its entries are drafts or scheduled: unknown yet. (No page shows the words.)
            raise Http404("No such tag.")  # pragma: no mutate
        return tag

    def title(self, tag):
        return f"{tag.name} · {settings.BLOG_TITLE}"

    def link(self, tag):
        return tag.get_absolute_url()

    def items(self, tag):
        return Entry.objects.published(tag=tag).for_pages("updated_at")[:FEED_SIZE]
