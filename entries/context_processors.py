from django.conf import settings


def blog(request):
    """The blog's name and description (BLOG_TITLE, BLOG_DESCRIPTION) on every page."""
    return {"blog_title": settings.BLOG_TITLE, "blog_description": settings.BLOG_DESCRIPTION}
