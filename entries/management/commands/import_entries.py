import re
from datetime import date, datetime
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import get_default_timezone

from entries.forms import tag_names
from entries.management.commands._importing import Importer, Item
from entries.models import Markup, Status

# Front matter: a first line ---, YAML, a line ---, then the text (Jekyll's, Hugo's and
# Eleventy's shape). Windows' line ends work too.
FRONT_MATTER = re.compile(r"\A---\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL | re.MULTILINE)
# libyaml's loader where PyYAML has it (its wheels do); safe either way: no Python objects.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def moment(value, key):
    """A time of the front matter: YAML's own (a day, a time with or without its offset) or
    ISO 8601 text; without an offset, in the blog's time zone."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{key}: not a time: {value!r}.") from None
    elif not isinstance(value, datetime) and isinstance(value, date):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise ValidationError(f"{key}: not a time: {value!r}.")
    return value if value.tzinfo else value.replace(tzinfo=get_default_timezone())


def tags(value):
    if isinstance(value, str):
        return tag_names(value)
    if isinstance(value, list) and all(isinstance(name, str | int | float) for name in value):
        return [str(name) for name in value]
    if value is None:
        return []
    raise ValidationError("tags: not a list of names.")


def numbers_in_order(path):
    """A file's place: by its name, the numbers in it by their values (9 before 10)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def read(path, authors):
    """The file as an Item; a file that cannot be read is one with its problem."""
    item = Item(ref=f"file:{path.name}", name=path.name, markup=Markup.MARKDOWN)
    try:
        content = path.read_bytes().decode()
        match = FRONT_MATTER.match(content)
        if not match:
            raise ValidationError("no front matter (a first line ---, and another after it).")
        try:
            fields = yaml.load(match[1], Loader=LOADER)
        except yaml.YAMLError as error:
            raise ValidationError(
                f"the front matter is not YAML: {' '.join(str(error).split())}"
            ) from None
        if not isinstance(fields, dict):
            raise ValidationError("the front matter is not YAML keys and values.")
        title = fields.get("title")
        item.title = "" if title is None else str(title)
        item.text = match[2]
        item.markup = fields.get("markup", Markup.MARKDOWN)
        item.tags = tags(fields.get("tags"))
        item.publish_at = moment(fields.get("date"), "date")
        item.updated_at = moment(fields.get("updated"), "updated")
        item.created_at = moment(fields.get("created"), "created") or item.publish_at
        item.status = Status.DRAFT if fields.get("draft") is True else Status.PUBLISHED
        item.author = authors.get(fields.get("author"))
    except UnicodeDecodeError:
        item.problem = "not UTF-8 text."
    except ValidationError as error:
        item.problem = error.message
    return item


class Command(BaseCommand):
    help = (
        "Import the Markdown files with YAML front matter of DIR (export_entries writes "
        "them; Hugo's, Jekyll's and Eleventy's posts are such files); files imported before "
        "are skipped."
    )

    def add_arguments(self, parser):
        # Help texts are words for people: the tests check what the options do, not these.
        parser.add_argument("dir", help="The folder of .md files.")  # pragma: no mutate

    def handle(self, dir, **options):
        folder = Path(dir)
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder.")
        paths = sorted(folder.glob("*.md"), key=numbers_in_order)
        users = get_user_model().objects.all()
        authors = {user.get_username(): user for user in users}
        Importer(self).run((read(path, authors) for path in paths), len(paths))
