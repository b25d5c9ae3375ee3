"""What the settings read from the environment and the platform they run on.

Kept out of settings.py so that the settings stay a list of values, and so that these
functions can be tested (and imported by django-axes) like any other code.
"""

import os
import zoneinfo

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def env_bool(name, default):
    """The variable as a boolean: unset or blank gives `default`, a typo is an error."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/true/yes or 0/false/no, not {value!r}.")


def env_choice(name, default, choices):
    """One of `choices`, in any case; unset or blank gives `default`, anything else is an error."""
    value = os.environ.get(name, "").strip().upper() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_list(name, default):
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_time_zone(name, default):
    """An IANA time zone name (Europe/Paris); unset or blank gives `default`."""
    value = os.environ.get(name, "").strip() or default
    try:
        zoneinfo.ZoneInfo(value)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone name such as Europe/Paris or UTC, not {value!r}."
        ) from None
    return value


def require_secret_key():
    """Refuse to serve without a real secret key; called by wsgi.py and asgi.py, not by
    the settings, so that build-time commands (collectstatic) need no key."""
    from django.conf import settings

    try:
        # Django refuses an empty key itself, in words that name no variable.
        getattr(settings, "SECRET_KEY")  # noqa: B009
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With debug off the site needs a secret key: "
            # The rest of the sentence is advice; the test pins the variable's name.
            "set DJANGO_SECRET_KEY to a long random string "  # pragma: no mutate
            "(or DJANGO_DEBUG=1 for development)."  # pragma: no mutate
        ) from None


def client_ip(request):
    """The address logins are throttled by (django-axes' AXES_CLIENT_IP_CALLABLE).

    On a Heroku dyno the router appends the real client's address as the last entry of
    X-Forwarded-For; anywhere else that header could be forged, so the peer address counts.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and os.environ.get("DYNO"):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
