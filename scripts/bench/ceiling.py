"""The ceiling of `make bench`: a constant ~2 KB HTML page, what gunicorn can serve here at all.

`make bench` runs it with the Procfile's web: command and gunicorn.conf.py, only the app
module swapped, so each page of the blog is measured against the same server doing no work.
"""

ITEMS = "".join(
    f'<li class="entry"><h2><a href="/entries/{n}/">Entry number {n}</a></h2>'
    f"<p>A constant paragraph of text standing in for an entry.</p></li>\n"
    for n in range(14)
)
PAGE = (
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Ceiling</title></head>\n'
    f'<body><h1>Ceiling</h1><ul class="entries">\n{ITEMS}</ul></body>\n</html>\n'
).encode()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(PAGE)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [PAGE]
