import re
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, router, transaction
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from entries import text as texts
from entries.caching import blog_changed

SLUG_LENGTH = 60
TAG_LENGTH = 50


class Status(models.TextChoices):
    PUBLISHED = "published", "Published"
    DRAFT = "draft", "Draft"


class Markup(models.TextChoices):
    MARKDOWN = texts.MARKDOWN, "Markdown"
    # Entries written before Markdown, and imported HTML: shown as they were.
    HTML = texts.HTML, "HTML"


def cut_slug(slug, length=SLUG_LENGTH):
    """The slug cut at a word boundary (a hyphen) to at most `length` characters."""
    if len(slug) <= length:
        return slug
    words = slug[: length + 1].rsplit("-", 1)[0]
    return (words if "-" in slug[: length + 1] else slug[:length]).strip("-")


def published_q(prefix="", now=None):
    """What readers may see: status published, publish_at not in the future. `prefix` names
    the relation that holds a copy of both (a tag's taggings). Every reader-facing list asks
    this, through EntryQuerySet.published() (or, for tags' counts, directly)."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}publish_at__lte": now})


def after_key(key, prefix=""):
    """Entries after the (publish_at, id) key in the newest-first order: a keyset page's
    condition, in the form the indexes serve (a range of publish_at). `prefix` names the
    relation that holds the key (a tag's taggings)."""
    publish_at, pk = key
    pk_field = f"{prefix}entry_id" if prefix else "pk"
    # No negation: ~Q() across a relation (a tag's taggings) is a NOT IN of a subquery for
    # each field, which PostgreSQL answered by reading half the taggings (10 ms of a deep tag
    # page at 100,000 entries).
    return Q(**{f"{prefix}publish_at__lte": publish_at}) & (
        Q(**{f"{prefix}publish_at__lt": publish_at}) | Q(**{f"{pk_field}__lt": pk})
    )


class EntryQuerySet(models.QuerySet):
    """Every reader-facing list asks published(). Writes that skip Entry.save() store clean
    text too, keep the taggings' copies in step, and tell the page cache."""

    def published(self, tag=None, before=None):
        """What readers may see, newest publication first: status published, publish_at not
        in the future. With `tag`, that tag's entries, read through the copy of the status
        and time its taggings hold, so that a tag's page walks one index as / does. With
        `before`, a (publish_at, id) key, the entries after it (the next keyset page)."""
        prefix = "taggings__" if tag is not None else ""
        now = timezone.now()
        if before is not None and before[0] <= now:
            # The cursor's time is then the one upper bound of publish_at: given a second
            # one (now), SQLite walked the index from now down to the cursor, a deep page
            # costing the depth (docs/benchmarks.md).
            condition = Q(**{f"{prefix}status": Status.PUBLISHED}) & after_key(before, prefix)
        else:
            condition = published_q(prefix, now)
        if tag is not None:
            condition &= Q(taggings__tag=tag)
        # One filter() call: conditions on a tag's taggings must hold for the same row.
        order = [f"-{prefix}publish_at", f"-{prefix}entry_id" if prefix else "-id"]
        return self.filter(condition).order_by(*order)

    def newer_than(self, entry):
        """Published entries before `entry` in the newest-first order, oldest of them first
        (the mirror of after_key(): a range of publish_at from the entry's)."""
        newer = Q(publish_at__gte=entry.publish_at) & ~Q(
            publish_at=entry.publish_at, pk__lte=entry.pk
        )
        return self.published().filter(newer).reverse()

    def unpublished(self):
        """Drafts and scheduled entries: what only their authors and editors see."""
        return self.exclude(published_q())

    def for_pages(self, *fields):
        """Entries with what pages show of them, and `fields` besides: their authors' names
        (`author_name`, None for a deleted author) and nothing else of the authors (no
        password hashes), their tags, not the search's copy of the text nor the source.
        Every column less, and every model instance less (a name, not a User), is less work
        for every page (docs/benchmarks.md)."""
        username = F(f"author__{get_user_model().USERNAME_FIELD}")
        columns = ["title", "slug", "html", "status", "publish_at", "author", *fields]
        return (
            self.only(*columns)
            .annotate(author_name=username)
            .prefetch_related(
                models.Prefetch("tags", Tag.objects.only("name", "slug"), to_attr="shown_tags")
            )
        )

    def bulk_create(self, objs, *args, **kwargs):
        objs = [entry.prepare() for entry in objs]
        created = super().bulk_create(objs, *args, **kwargs)
        blog_changed()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Django's bulk_update() writes through update() below, in one transaction: that
        # keeps the taggings' copies in step and tells the page cache.
        objs = [entry.prepare() for entry in objs]
        fields = Entry.with_derived_fields(fields)
        # batch_size sets how many statements write the rows, not what they write.
        return super().bulk_update(objs, fields, *args, **kwargs)  # pragma: no mutate

    def update(self, **kwargs):
        # Expressions (F(), Concat()) are the caller's to keep clean.
        if isinstance(kwargs.get("title"), str):
            kwargs["title"] = texts.drop_control_characters(kwargs["title"])
            kwargs["slug"] = entry_slug(kwargs["title"])
        if isinstance(kwargs.get("text"), str):
            kwargs["text"] = texts.drop_control_characters(kwargs["text"])
            kwargs.setdefault("markup", Markup.MARKDOWN)
            kwargs["html"] = texts.render(kwargs["text"], kwargs["markup"])
            kwargs["plain_text"] = texts.visible_text(kwargs["html"])
        if kwargs.get("status") == Status.PUBLISHED and "publish_at" not in kwargs:
            kwargs["publish_at"] = Coalesce("publish_at", Value(timezone.now()))
        with transaction.atomic(using=self.db):  # pragma: no mutate: the project has one database
            moves = "status" in kwargs or "publish_at" in kwargs
            if moves:
                # Read first: the update may change which entries the queryset selects.
                moved = [pk for (pk,) in self.values_list("pk")]
            updated = super().update(**kwargs)
            if moves:
                Tagging.copy_from_entries(moved)
            blog_changed()
        return updated


def entry_slug(title):
    return cut_slug(slugify(title, allow_unicode=True))


class Entry(models.Model):
    title = models.CharField(max_length=200)
    # The source as typed (Markdown, or HTML for `markup` html): what the forms show.
    text = models.TextField(max_length=100_000, help_text="Markdown; HTML is allowed too.")
    markup = models.CharField(max_length=10, choices=Markup, default=Markup.MARKDOWN)
    # What pages show: the text rendered and sanitized when the entry is saved (prepare()).
    html = models.TextField(default="", editable=False)
    # What a reader sees of the text (no tags, entities read), kept in step by prepare():
    # search matches this, so that `strong` or `href` find no entry by its markup.
    plain_text = models.TextField(default="", editable=False)
    # The title's slug, for the entry's canonical URL (/entries/ID-SLUG/).
    slug = models.SlugField(max_length=SLUG_LENGTH, allow_unicode=True, default="", editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)
    # When readers see it: empty until a published entry is saved, then the moment it was
    # (prepare()); a future time schedules it, a past one backdates it.
    publish_at = models.DateTimeField("publish at", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    tags = models.ManyToManyField("Tag", through="Tagging", related_name="entries", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Where an imported entry came from (manage.py import_*), so that it is imported once.
    import_ref = models.CharField(
        max_length=500, null=True, blank=True, unique=True, editable=False
    )

    objects = EntryQuerySet.as_manager()

    # A search page shows its matches marked: entries.search.mark() sets these. Elsewhere
    # they are None, looked up as plain attributes (a missing one makes each template
    # lookup fall back to dir() on the instance, a tenth of an index page's time).
    marked_title = marked_text = snippet = None

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-publish_at", "-id"]
        indexes = [
            # Serves every list readers see and their keyset pages (WHERE status = 'published'
            # AND publish_at <= ? ... ORDER BY publish_at DESC, id DESC LIMIT 21), so a page
            # deep in the blog costs what the first one does; and the next scheduled time.
            models.Index(fields=["status", "-publish_at", "-id"], name="entry_published_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(publish_at__isnull=False),
                name="entry_published_has_a_time",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        # Here, not in a form, so that the admin and the shell store clean text too.
        self.prepare()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = self.with_derived_fields(kwargs["update_fields"])
        adding = self._state.adding
        # One transaction for the row, its taggings' copies and the blog's new version
        # (caching.blog_changed), on the database Model.save() writes to (not mutated: the
        # project has only one).
        using = kwargs.get("using") or router.db_for_write(Entry)  # pragma: no mutate
        with transaction.atomic(using=using):
            super().save(**kwargs)
            if not adding:
                Tagging.objects.filter(entry=self).update(
                    status=self.status, publish_at=self.publish_at
                )

    def get_absolute_url(self):
        if self.slug:
            return reverse("entries:detail", args=[self.pk, self.slug])
        return reverse("entries:detail_by_id", args=[self.pk])

    @staticmethod
    def with_derived_fields(fields):
        """The fields a save of `fields` writes: with those prepare() derives from them."""
        fields = list(fields)
        derived = {
            "title": ["slug"],
            "text": ["html", "plain_text"],
            "markup": ["html", "plain_text"],
            "status": ["publish_at"],
        }
        for field in list(fields):
            fields += [name for name in derived.get(field, []) if name not in fields]
        return fields

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.publish_at > timezone.now()

    def may_see(self, user):
        """A published entry is everyone's; a draft or a scheduled one its author's and
        editors' (entries.change_entry)."""
        return self.is_published or self.may_change(user)

    def may_change(self, user):
        """The author may edit their entry; anyone else needs entries.change_entry
        (superusers hold every permission)."""
        return self.is_authors_or_allowed(user, "entries.change_entry")

    def may_delete(self, user):
        """The author may delete their entry; anyone else needs entries.delete_entry."""
        return self.is_authors_or_allowed(user, "entries.delete_entry")

    def is_authors_or_allowed(self, user, permission):
        return user.is_authenticated and (self.author_id == user.pk or user.has_perm(permission))

    def prepare(self):
        """Make the entry fit to store: every path to the table passes here (save(),
        fixtures through prepare_raw_save, the QuerySet's bulk writes). Raises
        ValidationError for a text nested too deeply to render."""
        self.title = texts.drop_control_characters(self.title)
        self.text = texts.drop_control_characters(self.text)
        self.html = texts.render(self.text, self.markup)
        self.plain_text = texts.visible_text(self.html)
        self.slug = entry_slug(self.title)
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        return self

    def set_tags(self, names):
        """Give the saved entry exactly the tags named (as Tag.clean_names() leaves them),
        creating the new ones; the page cache learns of it."""
        wanted = {tag.pk: tag for tag in Tag.objects.for_names(names)}
        with transaction.atomic(using=router.db_for_write(Tagging)):
            had = set(self.taggings.values_list("tag_id", flat=True))
            gone, new = had - set(wanted), [pk for pk in wanted if pk not in had]
            self.taggings.filter(tag_id__in=gone).delete()
            Tagging.objects.bulk_create(
                Tagging(entry=self, tag_id=pk, status=self.status, publish_at=self.publish_at)
                for pk in new
            )
            if gone or new:
                blog_changed()
        return list(wanted.values())


@receiver(pre_save, sender=Entry)
def prepare_raw_save(sender, instance, raw, **kwargs):
    """Fixtures (loaddata) save rows raw, without Entry.save() and without auto_now."""
    if raw:
        instance.prepare()
        instance.updated_at = instance.updated_at or instance.created_at


def tag_key(name):
    """What makes two tag names one tag: the same letters in any case (any script)."""
    return unicodedata.normalize("NFKC", name).casefold()


class TagQuerySet(models.QuerySet):
    def for_names(self, names):
        """The tags of these names, matched in any case, the missing ones created; in the
        order of `names`."""
        # The first spelling of each name, in the order given.
        keys = {}
        for name in names:
            keys.setdefault(tag_key(name), name)
        found = {tag.key: tag for tag in self.filter(key__in=keys)}
        for key, name in keys.items():
            if key not in found:
                found[key], _ = self.get_or_create(key=key, defaults={"name": name})
        return [found[key] for key in keys]


class Tag(models.Model):
    # As first written; `key` is what is unique, the name in any case.
    name = models.CharField(max_length=TAG_LENGTH)
    key = models.CharField(max_length=1000, unique=True, editable=False)
    slug = models.SlugField(max_length=SLUG_LENGTH, unique=True, allow_unicode=True, editable=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.name

    def save(self, **kwargs):
        self.name = " ".join(texts.drop_control_characters(self.name).split())
        self.key = tag_key(self.name)
        old_slug = self.slug
        base = cut_slug(slugify(self.name, allow_unicode=True), TAG_LENGTH) or "tag"
        with transaction.atomic(using=router.db_for_write(Tag)):  # pragma: no mutate: one database
            # A new name of the same letters in another case keeps its address.
            if not re.fullmatch(rf"{re.escape(base)}(-[0-9]+)?", old_slug):
                self.slug = self.free_slug(base)
            super().save(**kwargs)
            OldTagSlug.objects.filter(slug=self.slug).delete()
            if old_slug and old_slug != self.slug:
                # The old address answers 301 to the new one (views.tag).
                OldTagSlug.objects.update_or_create(slug=old_slug, defaults={"tag": self})
            if old_slug:  # A new tag is on no page yet; a renamed one is on many.
                blog_changed()

    def get_absolute_url(self):
        return reverse("entries:tag", args=[self.slug])

    def free_slug(self, base):
        taken = set(
            Tag.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug


class OldTagSlug(models.Model):
    """A renamed tag's former slug: its old page answers 301 to the new one."""

    slug = models.SlugField(max_length=SLUG_LENGTH, unique=True, allow_unicode=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="old_slugs")

    def __str__(self):
        return self.slug


class Tagging(models.Model):
    """An entry's tag, with a copy of the entry's status and publication time (kept in step
    by Entry.save() and the QuerySet's writes), so that a tag's page is one walk of the
    index below, as the index page is of Entry's: the same cost at any depth and size."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="taggings")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="taggings")
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)
    publish_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "entry"], name="tagging_once"),
        ]
        indexes = [
            models.Index(fields=["tag", "status", "-publish_at", "-entry"], name="tagging_newest"),
        ]

    def __str__(self):
        return f"{self.tag} on {self.entry_id}"

    @classmethod
    def copy_from_entries(cls, pks):
        """Copy the entries' status and publication time to their taggings again."""
        entry = Entry.objects.filter(pk=OuterRef("entry_id"))
        cls.objects.filter(entry_id__in=pks).update(
            status=Subquery(entry.values("status")),
            publish_at=Subquery(entry.values("publish_at")),
        )
