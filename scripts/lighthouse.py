"""`make lighthouse`: Lighthouse's scores of the blog's pages, as a phone sees them.

A copy of the project built as Heroku builds it (collectstatic), migrated, holding the demo
blog of tools/demo.py (Markdown with code, a table and a quote; tags; more than a page of
entries); the Procfile's web: process (gunicorn, debug off) on loopback, each page's
requests marked as coming through Heroku's https router (X-Forwarded-Proto), so the pages carry
production's headers (Lighthouse fetches robots.txt without it, hence no https redirect).
Lighthouse (the version the Makefile pins) runs in its default mode, a mid-range phone on a
slow connection, in the Chromium at CHROME_PATH.

The bars (docs/reference.md, "The look"): at least 95 in performance, accessibility, best
practices and SEO on /, an entry and a tag page; in the first three on search and the login,
which are kept out of search engines on purpose (noindex, robots.txt), as SEO counts.
Prints each page's scores; the exit status says whether every bar held. Reports, one JSON
file per page, go to LIGHTHOUSE_REPORTS if set.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tools.checkers import LIGHTHOUSE  # noqa: E402
from tools.servers import PRODUCTION_ENV, build, procfile, run, web_process  # noqa: E402

BAR = 95
ALL = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
SEED = "from tools.demo import create_blog; print(create_blog().get_absolute_url())"


def pages(entry):
    """The pages measured, and the categories each must score BAR in."""
    return {
        "/": ALL,
        entry: ALL,
        "/tags/django/": ALL,
        "/search/?query=tutorial": ALL[:3],
        "/login": ALL[:3],
    }


def lighthouse(url):
    """Lighthouse's report of one page, as a dict."""
    result = subprocess.run(
        [
            LIGHTHOUSE, url, "--quiet", "--output=json", "--output-path=stdout",
            f"--only-categories={','.join(ALL)}", f"--chrome-flags={CHROME_FLAGS}",
            '--extra-headers={"X-Forwarded-Proto": "https"}',
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def failed_audits(report, category):
    """The audits that cost a category points: their titles."""
    refs = report["categories"][category]["auditRefs"]
    audits = report["audits"]
    return [
        audits[ref["id"]]["title"]
        for ref in refs
        if ref["weight"]
        and audits[ref["id"]]["score"] is not None
        and audits[ref["id"]]["score"] < 1
    ]


def main():
    if not LIGHTHOUSE.exists():
        print(
            f"Lighthouse is not installed at {LIGHTHOUSE.relative_to(REPO)}: run make lighthouse."
        )
        return 1
    reports = os.environ.get("LIGHTHOUSE_REPORTS")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp) / "app")
        database_url = f"sqlite:///{Path(tmp) / 'lighthouse.db'}"
        # No redirect for what Lighthouse fetches without the header (robots.txt).
        env = {**PRODUCTION_ENV, "DATABASE_URL": database_url, "DJANGO_SECURE_SSL_REDIRECT": "0"}
        run(procfile("release"), app, **env)
        entry = run(["python", "manage.py", "shell", "-v0", "-c", SEED], app, **env).stdout.strip()
        with web_process(cwd=app, **env) as base_url:
            print(f"{'page':<{len(entry) + 2}}" + "".join(f"{c:>16}" for c in ALL))
            for path, required in pages(entry).items():
                report = lighthouse(base_url + path)
                if reports:
                    name = path.strip("/").replace("/", "_").replace("?", "_") or "index"
                    Path(reports, f"{name}.json").write_text(json.dumps(report))
                # A category that could not be scored (an audit's error) counts as 0.
                scores = {c: round((report["categories"][c]["score"] or 0) * 100) for c in ALL}
                print(f"{path:<{len(entry) + 2}}" + "".join(f"{scores[c]:>16}" for c in ALL))
                for category in required:
                    if scores[category] < BAR:
                        lost = "; ".join(failed_audits(report, category))
                        failures.append(f"{path} {category} {scores[category]} < {BAR}: {lost}")
    for failure in failures:
        print(failure)
    print("Every bar held." if not failures else f"{len(failures)} bars missed.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
