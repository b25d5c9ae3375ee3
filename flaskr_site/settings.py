"""Settings for Flaskr on Django: one file, read from the environment.

The variables and their defaults are listed in docs/reference.md, "Configuration".
Debug is off unless DJANGO_DEBUG asks for it, so a forgotten variable fails safe.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from flaskr_site.env import env_bool, env_choice, env_list, env_time_zone

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

# Without DJANGO_SECRET_KEY and with debug off, flaskr_site.wsgi refuses to start
# (see flaskr_site.env.require_secret_key); build-time commands such as collectstatic need no key.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "django-insecure-flaskr-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# On a Heroku dyno, the app's own <name>-<random>.herokuapp.com host, which a Heroku Button
# deploy cannot know beforehand: exactly, where the dyno metadata feature (`heroku labs:enable
# runtime-dyno-metadata`) names it; else any herokuapp.com name, as Heroku's router brings an
# app only the requests for its own names.
if os.environ.get("DYNO"):
    ALLOWED_HOSTS.append(os.environ.get("HEROKU_APP_DEFAULT_DOMAIN_NAME") or ".herokuapp.com")

INSTALLED_APPS = [
    "entries",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "flaskr_site.logs.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers compressed for clients that take gzip (static files: WhiteNoise's own, above).
    "flaskr_site.middleware.CompressionMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Permissions-Policy on every answer; Cache-Control: private, no-store for logged-in users.
    "flaskr_site.middleware.site_headers_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Anonymous readers' pages from the cache: below the headers above, before the rest.
    "entries.caching.page_cache_middleware",
    # ETags, and 304s, for the answers views render (the readers' cache gives its own, and
    # its hits never come this far).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "flaskr_site.urls"
WSGI_APPLICATION = "flaskr_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "entries.context_processors.blog",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'flaskr.db'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; synchronous=FULL writes each commit to
    # disk before it returns, so an acknowledged post survives a power cut (NORMAL could lose
    # the last ones; docs/benchmarks.md gives the cost). IMMEDIATE makes a writer take the lock
    # at BEGIN, so concurrent posts wait for each other instead of failing with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Shared by every worker and dyno through the database, so a change is seen by all of them
# at once. The tables are made by migrate (entries migrations 0003 and 0006). Sessions and
# pages live apart, so that making room for pages never evicts a session. The pages table
# holds at most 1,000 pages of at most 128 KB (entries/caching.py): 128 MB at the most.
CACHES = {
    "default": {
        "BACKEND": "flaskr_site.cache.UpsertDatabaseCache",
        "LOCATION": "flaskr_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    "pages": {
        "BACKEND": "flaskr_site.cache.UpsertDatabaseCache",
        "LOCATION": "flaskr_pages",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

# Sessions are kept in the database and read from the cache: a logged-in request reads
# its session with one cache lookup instead of an ORM query; logging out deletes both.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "entries:login"
LOGIN_REDIRECT_URL = "entries:index"

# The blog's name and one-line description: pages, feeds, link previews.
BLOG_TITLE = os.environ.get("BLOG_TITLE", "").strip() or "Flaskr"
BLOG_DESCRIPTION = (
    os.environ.get("BLOG_DESCRIPTION", "").strip()
    or "A mini-blog: the Flaskr tutorial's, rebuilt test-first on Django."
)

LANGUAGE_CODE = "en-us"
# Times shown, and a publish_at typed without an offset, are in the blog's time zone.
TIME_ZONE = env_time_zone("DJANGO_TIME_ZONE", "UTC")
# The site is in English only. Without the translation machinery, Django's URL reversing,
# number formatting and month names skip a per-call language lookup: a tenth of a page's
# rendering (docs/benchmarks.md).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by WhiteNoise: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Heroku's router ends TLS and says so in this header; trust it so that
# request.is_secure() and the CSRF origin check see the https the browser used.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Deploy tools and load balancers probe over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
# Django's own CSP: every script and stylesheet comes from this site, none inline.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Every log line goes to stderr, Heroku's log stream: one entry per unhandled exception
# (Django's own, with the method, path, status and traceback), warnings for refused hosts,
# CSRF failures and lockouts, and the request id in each (flaskr_site/logs.py).
LOG_LEVEL = env_choice("DJANGO_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "flaskr_site.logs.RequestContext"},
        "security_warning": {"()": "flaskr_site.logs.SecurityWarning"},
    },
    "formatters": {
        "line": {"format": "%(levelname)s %(name)s request_id=%(request_id)s%(http)s: %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request"],
            "formatter": "line",
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (the console with debug on, mail to ADMINS) are not used:
        # its records go up to the root's handler like every other.
        "django": {"handlers": [], "level": LOG_LEVEL},
        "django.security.DisallowedHost": {"filters": ["security_warning"]},
        # django-axes: its warnings (repeated failures, lockouts) count; its chatter does not.
        "axes": {"level": "WARNING"},
    },
}

# Login throttling (django-axes): 5 failures for one username from one address lock
# that pair out for 15 minutes, on /login and /admin/login/ alike, with a 429 page; 30
# failures from one address, whatever the usernames, lock the address (entries/throttling.py).
AXES_HANDLER = "entries.throttling.AxesHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "flaskr_site.env.client_ip"
AXES_VERBOSE = False
# Lockouts are logged as warnings with the address (an operator may block it) and never the
# username, which is sometimes a password typed into the wrong field.
AXES_SENSITIVE_PARAMETERS = ["username"]
