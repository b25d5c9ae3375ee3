"""gunicorn settings for Heroku; the Procfile's web: line uses this file.

Workers come from WEB_CONCURRENCY, which gunicorn reads itself and Heroku sets for
the dyno size.
"""

import gc
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Load the app once in the master: a missing DJANGO_SECRET_KEY stops the start at once,
# and the workers share the loaded code's memory.
preload_app = True
accesslog = "-"
# Heroku's router ends TLS and its addresses change: trust its X-Forwarded-* headers.
forwarded_allow_ips = "*"
# The longest request line gunicorn allows (its default is 4094): a search of the longest
# query the site takes, in any script and percent-encoded, reaches Django, which answers
# with its own page; a longer one is gunicorn's bare 414.
limit_request_line = 8190
# Heroku's router gives up on a request after 30 s.
timeout = 30


def pre_fork(server, worker):
    """Freeze what the master loaded before each fork (the gc module's advice for forked
    workers): a worker's collections then never walk the objects it shares with the master,
    so they are not copied into its memory. Measured: each worker's proportional memory (PSS)
    36 -> 28 MB, requests a second unchanged (docs/benchmarks.md)."""
    gc.freeze()
