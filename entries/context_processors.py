from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import QueryDict
from django.utils.encoding import escape_uri_path


def blog(request):
    """The blog's name and description (BLOG_TITLE, BLOG_DESCRIPTION) and the page's canonical
    URL on every page."""
    return {
        "blog_title": settings.BLOG_TITLE,
        "blog_description": settings.BLOG_DESCRIPTION,
        "canonical_url": canonical_url(request),
    }


def canonical_url(request):
    """The page's address for search engines and link previews: https on the request's host,
    its path, and of its query only what the view reads (the parameters cached_for_readers()
    names), so that /?utm_source=x is / and /?before=... stays itself."""
    try:
        host = request.get_host()
    except DisallowedHost:
        # The 400 page of a refused host names no canonical URL, whatever this says.
        return ""  # pragma: no mutate
    match = request.resolver_match
    query = QueryDict(mutable=True)
    for name in getattr(match and match.func, "page_parameters", ()):
        if name in request.GET:
            query[name] = request.GET[name]
    url = f"https://{host}{escape_uri_path(request.path)}"
    return f"{url}?{query.urlencode()}" if query else url
