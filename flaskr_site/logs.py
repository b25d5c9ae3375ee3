"""Log lines an operator can follow: one request id in every line a request writes.

Heroku's router gives each request an id (the X-Request-ID header) and shows it in its own
log line; the same id in ours ties a traceback to the request that caused it. Elsewhere, or
when the header is not a plain id, a new one is made up. settings.LOGGING sends every line
to stderr, which is Heroku's log stream.
"""

import contextvars
import logging
import re
import uuid

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
# What a request id may look like: Heroku sends a UUID. Anything else (a newline that
# would forge a log line, a megabyte of junk) is replaced.
PLAIN_ID = re.compile(r"[\w.-]{1,200}")


def request_id_middleware(get_response):
    """Remember the request's id for every log line written while it is served."""

    def middleware(request):
        given = request.headers.get("X-Request-ID", "")
        token = REQUEST_ID.set(given if PLAIN_ID.fullmatch(given) else uuid.uuid4().hex)
        try:
            return get_response(request)
        finally:
            REQUEST_ID.reset(token)

    return middleware


class RequestContext(logging.Filter):
    """Adds `request_id` to every record, and `http` (" GET /path 500") to the records
    Django writes about a request."""

    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        request = getattr(record, "request", None)
        status = getattr(record, "status_code", None)
        record.http = f" {request.method} {request.path} {status}" if request and status else ""
        return True


class SecurityWarning(logging.Filter):
    """Requests refused for a bad Host (bots that scan addresses) are an operator's warning,
    not an error, and their traceback says nothing."""

    def filter(self, record):
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True
