from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from entries.models import Entry


class AtomWithContent(Atom1Feed):
    """Atom with each entry's sanitized HTML as <content>, which readers show in full."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestEntriesFeed(Feed):
    feed_type = AtomWithContent
    title = "Flaskr"
    subtitle = "The newest entries of the Flaskr blog."
    link = reverse_lazy("entries:index")

    def items(self):
        return Entry.objects.select_related("author")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return None  # The text goes in <content>; no <summary> repeating it.

    def item_author_name(self, item):
        return item.author.get_username() if item.author else None

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_extra_kwargs(self, item):
        return {"content": item.text}
