import logging
import re
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.views import SuccessMessageMixin
from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import DatabaseError
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from entries import search as searching
from entries import sitemaps
from entries.caching import cached_for_readers
from entries.forms import EntryForm, LoginForm, SearchForm
from entries.models import Entry, OldTagSlug, Tag, published_q

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
FORBIDDEN_DELETE = "You may not delete this entry."
CURSOR_FORMAT = "%Y%m%dT%H%M%S%f"
# What slugify(allow_unicode=True) makes: letters, digits, underscores and hyphens.
SLUG = re.compile(r"[-\w]+")
# Pages with nothing for a search engine: the admin, the login, a writer's drafts, searches.
ROBOTS_DISALLOW = ["/admin/", "/login", "/drafts/", "/search/"]


def page_cursor(entry):
    """The `before` value of the page that starts after `entry`."""
    return f"{entry.publish_at.astimezone(UTC):{CURSOR_FORMAT}}-{entry.pk}"


def parse_cursor(request):
    """The (publish_at, id) key the `before` cursor names, or None."""
    cursor = request.GET.get("before")
    if not cursor:
        return None
    try:
        stamp, pk = cursor.split("-")
        return datetime.strptime(stamp, CURSOR_FORMAT).replace(tzinfo=UTC), int(pk)
    except ValueError:
        raise BadRequest("That page link is broken.") from None


def with_next_link(request, page):
    """A page of PAGE_SIZE entries and the link to the next one, from PAGE_SIZE + 1 entries
    (one more than a page tells whether there is a next page)."""
    next_url = None  # pragma: no mutate: "" would do as well, templates only test it
    if len(page) > PAGE_SIZE:
        query = request.GET.copy()
        query["before"] = page_cursor(page[PAGE_SIZE - 1])
        next_url = f"?{query.urlencode()}"
    return {"entries": page[:PAGE_SIZE], "next_url": next_url}


def paginate(request, tag=None):
    """One page of published entries (of a tag's, with `tag`), newest first, and the link to
    the next (older) page.

    Keyset pagination: the `before` cursor names the last entry shown (its time and id),
    so the database walks its index from there instead of counting and skipping rows.
    """
    entries = Entry.objects.published(tag=tag, before=parse_cursor(request)).for_pages()
    # More rows than one past a page would change nothing shown.
    return with_next_link(request, list(entries[: PAGE_SIZE + 1]))  # pragma: no mutate


def please_log_in(request):
    return render(request, "entries/please_log_in.html", status=401)


@require_safe
@cached_for_readers("before")
def index(request):
    context = paginate(request)
    if request.user.has_perm("entries.add_entry"):  # the page shows the form to them alone
        context["form"] = EntryForm()
    return render(request, "entries/index.html", context)


@require_safe
@cached_for_readers("query", "before")
def search(request):
    """The rules, the databases' ways and the highlighting are in entries/search.py."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "entries/search.html", {"form": form}, status=400)
    query = form.cleaned_data["query"]
    context = {"form": form, "query": query, "rules": searching}
    if query:
        try:
            found = searching.find(query, parse_cursor(request), limit=PAGE_SIZE + 1)
        except searching.Stopped as stopped:
            logger.warning("Search for %r stopped: %s", query, stopped)
            response = render(request, "entries/search.html", {**context, "stopped": True})
            patch_cache_control(response, no_store=True)  # A later try may well finish.
            return response
        context.update(with_next_link(request, found.entries), found=found)
        searching.mark(context["entries"], query)
    return render(request, "entries/search.html", context)


@require_safe
@cached_for_readers()
def detail(request, pk, slug=""):
    """An entry's canonical page, /entries/ID-SLUG/; any other spelling of its URL answers
    301 there. A draft or scheduled entry is its author's and editors' alone (404 to others)."""
    entry = get_object_or_404(Entry.objects.for_pages("plain_text", "updated_at"), pk=pk)
    if not entry.may_see(request.user):
        raise Http404("No such entry.")
    if slug != entry.slug:
        return redirect(entry, permanent=True)
    context = {"entry": entry, "entries": [entry]}
    if entry.is_published:
        neighbours = Entry.objects.only("title", "slug")
        context["newer"] = neighbours.newer_than(entry).first()
        context["older"] = neighbours.published(before=(entry.publish_at, entry.pk)).first()
    response = render(request, "entries/detail.html", context)
    if not entry.is_published:
        patch_cache_control(response, private=True, no_store=True)
    return response


def posted(request, entry):
    """Where a saved entry's writer goes next, and what the page tells them."""
    if entry.is_published:
        return None
    if entry.is_scheduled:
        when = date_format(localtime(entry.publish_at), "j F Y, H:i T")
        messages.success(request, f"The entry will be published on {when}.")
    else:
        messages.success(request, "The draft was saved.")
    return redirect(entry)


def preview(request, form, template, context):
    """The entry as it would show, from what was typed; nothing stored."""
    entry = form.instance
    entry.prepare()
    context = {**context, "form": form, "preview": entry, "preview_tags": form.cleaned_data["tags"]}
    return render(request, template, context)


@require_POST
def add(request):
    if not request.user.is_authenticated:
        return please_log_in(request)
    if not request.user.has_perm("entries.add_entry"):
        raise PermissionDenied
    form = EntryForm(request.POST, instance=Entry(author=request.user))
    if not form.is_valid():
        return render(request, "entries/add.html", {"form": form}, status=400)
    if "preview" in request.POST:
        return preview(request, form, "entries/add.html", {})
    entry = form.save()
    if response := posted(request, entry):
        return response
    messages.success(request, "New entry was successfully posted")
    return redirect("entries:index")


@require_POST
def delete(request, pk):
    """Delete an entry: JSON for scripts (main.js), a redirect with a flash for plain forms."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not request.user.is_authenticated:
        if wants_json:
            return JsonResponse({"status": 0, "message": "Please log in."}, status=401)
        return please_log_in(request)
    entry = Entry.objects.filter(pk=pk).first()
    if entry is None:
        if wants_json:
            return JsonResponse({"status": 0, "message": "No such entry."}, status=404)
        raise Http404("No such entry.")
    if not entry.may_delete(request.user):
        if wants_json:
            return JsonResponse({"status": 0, "message": FORBIDDEN_DELETE}, status=403)
        raise PermissionDenied
    entry.delete()
    if wants_json:
        return JsonResponse({"status": 1, "message": "Post Deleted"})
    messages.success(request, "The entry was deleted.")
    return redirect("entries:index")


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    """Fix an entry: its author, or anyone with entries.change_entry. It keeps its author
    and creation time; the form validates exactly as /add does."""
    if not request.user.is_authenticated:
        if request.method == "POST":
            return please_log_in(request)
        return redirect_to_login(request.get_full_path())
    entry = get_object_or_404(Entry, pk=pk)
    if not entry.may_change(request.user):
        raise PermissionDenied
    title = entry.title  # The form changes the instance as it validates.
    form = EntryForm(request.POST or None, instance=entry)
    context = {"form": form, "title": title}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "entries/edit.html", context, status=400)
        if "preview" in request.POST:
            return preview(request, form, "entries/edit.html", context)
        form.save()
        if response := posted(request, entry):
            return response
        messages.success(request, "The entry was updated.")
        return redirect(entry)
    return render(request, "entries/edit.html", context)


@login_required
@require_safe
def drafts(request):
    """The writer's entries that readers do not see yet; an editor sees everyone's."""
    entries = Entry.objects.unpublished().select_related("author").order_by("-created_at")
    if not request.user.has_perm("entries.change_entry"):
        entries = entries.filter(author=request.user)
    return render(request, "entries/drafts.html", {"drafts": entries})


@require_safe
@cached_for_readers()
def tags(request):
    """Every tag with a published entry, and how many, in alphabetical order."""
    found = Tag.objects.filter(published_q("taggings__")).annotate(count=Count("taggings"))
    return render(request, "entries/tags.html", {"tags": found.order_by("key")})


class TagMoved(Exception):
    """The slug is a renamed tag's old one: its page is now the tag's."""

    def __init__(self, tag):
        self.tag = tag


def find_tag(slug):
    """The tag of this slug (TagMoved for a renamed tag's old slug, 404 for none; for what
    is not a slug at all, without asking the database)."""
    # No page shows a 404's words (templates/404.html); they are for debug pages.
    if not SLUG.fullmatch(slug):
        raise Http404("No such tag.")  # pragma: no mutate
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        # The tag in the same query (speed only: old.tag would read it otherwise).
        old_slugs = OldTagSlug.objects.select_related("tag")  # pragma: no mutate
        old = old_slugs.filter(slug=slug).first()
        if old is None:
            raise Http404("No such tag.")  # pragma: no mutate
        raise TagMoved(old.tag)
    return tag


@require_safe
@cached_for_readers("before")
def tag(request, slug):
    try:
        found = find_tag(slug)
    except TagMoved as moved:
        return redirect(moved.tag, permanent=True)
    context = paginate(request, tag=found)
    if not context["entries"] and "before" not in request.GET:
        # A tag of drafts and scheduled entries only is not one readers know yet.
        raise Http404("No such tag.")
    context["tag"] = found
    return render(request, "entries/tag.html", context)


class LoginView(SuccessMessageMixin, auth_views.LoginView):
    form_class = LoginForm
    success_message = "You were logged in"

    def get_context_data(self, **kwargs):
        # With debug on, `make run` has made the admin/admin account; the page says so.
        return super().get_context_data(dev_account=settings.DEBUG, **kwargs)


@require_POST
def logout(request):
    auth_logout(request)
    messages.success(request, "You were logged out")
    return redirect("entries:index")


@require_safe
@cached_for_readers()
def sitemap_index(request):
    """/sitemap.xml: every URL in one file while they fit in one, else an index of the
    numbered files of entries/sitemaps.py."""
    if sitemaps.EntrySitemap().paginator.num_pages > 1:
        return sitemap_views.index(
            request, sitemaps.SITEMAPS, sitemap_url_name="entries:sitemap_section"
        )
    return sitemap_views.sitemap(request, sitemaps.SITEMAPS)


@require_safe
@cached_for_readers("p")
def sitemap_section(request, section):
    return sitemap_views.sitemap(request, sitemaps.SITEMAPS, section=section)


@require_safe
@cache_control(max_age=24 * 60 * 60)
def robots_txt(request):
    """The blog is open to crawlers, but for ROBOTS_DISALLOW; the sitemap is named in full,
    on the host the crawler asked (https, as every canonical URL)."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /"]
    lines.append(f"Sitemap: https://{request.get_host()}{reverse('entries:sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    """Tell deploy tools whether the site can serve: no template, no session."""
    try:
        Entry.objects.exists()
    except DatabaseError as error:
        logger.exception("Health check: the database does not answer.")
        return HttpResponse(
            f"database unavailable: {type(error).__name__}", status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")
