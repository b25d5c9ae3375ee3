"""Headers every answer of the site carries, whichever app made it, and its compression."""

from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control

from entries.caching import accepts_gzip

# The browser features no page of the blog uses, refused for the page and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "payment", "usb",
    ]
)  # fmt: skip


def site_headers_middleware(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # A logged-in page holds the user's name and forms: no browser or proxy may keep it.
        # No user: the page cache answered before the auth middleware ran (an anonymous reader).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


class CompressionMiddleware(GZipMiddleware):
    """Django's gzip of answers (with its random padding against BREACH, since 4.2), for a
    client whose Accept-Encoding takes gzip by a weight above 0 (Django's own check reads
    `gzip;q=0` as yes). Pages from the readers' cache come compressed already."""

    def process_response(self, request, response):
        if not accepts_gzip(request):
            return response
        return super().process_response(request, response)
