import html
import re
from datetime import UTC, datetime

import nh3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, parse
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import get_default_timezone

from entries.management.commands._importing import Importer, Item, find_author
from entries.models import Status

# WXR 1.0, 1.1 and 1.2 each name their namespace by their version.
WXR = re.compile(r"\{http://wordpress\.org/export/1\.[012]/\}")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
# Tags (post_tag; WXR 1.0 said tag) and categories (a category element without a domain in
# WXR 1.0) all become tags.
TAG_DOMAINS = {"post_tag", "tag", "category", None}
NO_DATE = "0000-00-00 00:00:00"  # What WordPress stores for a draft's date.
# WordPress's block editor marks its blocks with comments: <!-- wp:paragraph -->.
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
# A shortcode, [name ...], [name .../] or [/name], or one escaped as [[name]]: its tags go,
# what it encloses stays (a caption's words); an escaped one is shown as written once.
SHORTCODE = re.compile(r"\[(\[?)/?[a-zA-Z][\w-]*(?:[\s/][^\]]*)?\](\]?)")
BLANK_LINE = re.compile(r"\n\s*\n")


def plain(title):
    """A title as text: its markup dropped, its entities read."""
    return " ".join(html.unescape(nh3.clean(title, tags=set())).split())


def strip_shortcode(match):
    escaped = match[1] and match[2]
    return match[0][1:-1] if escaped else ""


def body(content):
    """The post's HTML without block comments and shortcodes; a classic post's paragraphs,
    which WordPress stores as blank lines and adds <p> to as it shows them, in <p>."""
    content = SHORTCODE.sub(strip_shortcode, BLOCK_COMMENT.sub("", content)).strip()
    if content and "<p" not in content.lower():
        content = "\n".join(f"<p>{part.strip()}</p>" for part in BLANK_LINE.split(content))
    return content


def when(value, zone):
    """A WordPress date (YYYY-MM-DD HH:MM:SS in `zone`), None for none, or ValidationError."""
    value = (value or "").strip()
    if not value or value == NO_DATE:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
    except ValueError:
        raise ValidationError(f"a date that cannot be read: {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Import the posts of a WordPress export (WXR 1.0-1.2): published, scheduled or "
        "drafts as they were, their tags and categories as tags; posts imported before are "
        "skipped."
    )

    def add_arguments(self, parser):
        # Help texts are words for people: the tests check what the options do, not these.
        parser.add_argument(
            "file",
            help="The export (Tools > Export in WordPress).",  # pragma: no mutate
        )
        parser.add_argument(
            "--author",
            help="The username the entries are written by (default: nobody).",  # pragma: no mutate
        )

    def handle(self, file, author, **options):
        author = find_author(author)
        channel, wp = self.channel(file)
        site = (channel.findtext("link") or "").strip()
        posts = [item for item in channel.iter("item") if item.findtext(f"{wp}post_type") == "post"]
        Importer(self, author).run((self.item(post, wp, site) for post in posts), len(posts))

    def channel(self, file):
        """The export's channel and its WXR namespace ("{...}"), or CommandError."""
        try:
            root = parse(file).getroot()
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except DefusedXmlException:
            raise CommandError(
                f"{file}: refused: the XML declares an entity; a WordPress export declares "
                "none, and XML attacks do."
            ) from None
        except ParseError as error:
            raise CommandError(f"{file}: not a WordPress export: {error}") from None
        except OSError as error:
            raise CommandError(f"{file}: cannot be read: {error.strerror}.") from None
        channel = root.find("channel")
        namespaces = {WXR.match(element.tag) for element in root.iter()} - {None}
        if root.tag != "rss" or channel is None or not namespaces:
            raise CommandError(f"{file}: not a WordPress export (WXR 1.0, 1.1 or 1.2).")
        return channel, namespaces.pop()[0]

    def item(self, post, wp, site):
        post_id = (post.findtext(f"{wp}post_id") or "").strip()
        guid = (post.findtext("guid") or "").strip()
        item = Item(
            ref=f"wordpress:{guid or f'{site}/?p={post_id}'}",
            name=f"post {post_id}",
            title=plain(post.findtext("title") or ""),
            text=body(post.findtext(CONTENT) or ""),
            tags=[
                category.text or ""
                for category in post.iter("category")
                if category.get("domain") in TAG_DOMAINS
            ],
        )
        try:
            date = when(post.findtext(f"{wp}post_date_gmt"), UTC) or when(
                post.findtext(f"{wp}post_date"), get_default_timezone()
            )
            item.updated_at = when(post.findtext(f"{wp}post_modified_gmt"), UTC)
        except ValidationError as error:
            item.problem = error.message
            return item
        status = post.findtext(f"{wp}status")
        protected = bool(post.findtext(f"{wp}post_password"))
        item.created_at = date
        if not protected and (status == "publish" or (status == "future" and date)):
            item.publish_at = date
        else:
            # Drafts, pending and private posts, protected ones: never public here.
            item.status = Status.DRAFT
        return item
