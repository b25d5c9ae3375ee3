"""The floor of `make bench`: what a request costs in this Django project before its view does
anything, so that the bars can be read against it.

The site itself (flaskr_site.wsgi: its settings, its whole middleware, the Procfile's command and
gunicorn.conf.py), with two views added in front of its URLs:

- /floor/page: the ceiling's constant 2 KB page (scripts/bench/ceiling.py), for an anonymous
  reader, not cached: what any page costs before it reads or renders anything.
- /floor/post: a logged-in POST (its session, its user, the CSRF check) answered with the
  redirect a post gets, storing nothing: what a post costs before it writes.

They exist only in this module, which the bench serves on its own port, never in the site.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.views.decorators.http import require_POST, require_safe

from flaskr_site.wsgi import application  # noqa: F401  (the site, set up with its settings)
from scripts.bench.ceiling import PAGE

# No request has been served yet: every request of this process resolves against this module.
settings.ROOT_URLCONF = __name__


@require_safe
def page(request):
    return HttpResponse(PAGE)


@require_POST
@login_required
def post(request):
    return redirect("entries:index")


urlpatterns = [
    path("floor/page", page),
    path("floor/post", post),
    path("", include("flaskr_site.urls")),
]
