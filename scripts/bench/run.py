"""`make bench`: what the production server serves at N entries, against what this machine
can serve at all.

For each N (BENCH_N, default "10,100000,1000000"): a fresh SQLite database (or the PostgreSQL
database BENCH_DATABASE_URL names, which it empties), seeded by `manage.py seed_entries`;
the Procfile's web: process with production settings on loopback; and, in the same run,
the ceiling: the same gunicorn command and config serving a constant 2 KB page
(scripts/bench/ceiling.py), and the floor: the site's own settings and middleware serving
that page and a logged-in POST that stores nothing (scripts/bench/floor.py), what any page
and any post cost before their views work. wrk drives each target after a warm-up, targets
interleaved, BENCH_ROUNDS rounds; the table gives each target's median req/s and its ratio to the
ceiling's median in that N's rounds. The figures go to bench-results.json; the exit
status says whether every bar of docs/benchmarks.md held.

Knobs: BENCH_N, BENCH_ROUNDS (3), BENCH_DURATION (10 s), BENCH_WARMUP (3 s),
BENCH_CONNECTIONS (16), BENCH_THREADS (2), WEB_CONCURRENCY (2 gunicorn workers).
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tools.servers import PRODUCTION_ENV, Client, environment, procfile, web_process  # noqa: E402

WORK_DIR = REPO / ".bench"
RESULTS = REPO / "bench-results.json"
LUA = Path(__file__).with_name("wrk.lua")

SIZES = [int(n) for n in os.environ.get("BENCH_N", "10,100000,1000000").split(",")]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WORKERS = os.environ.get("WEB_CONCURRENCY", "2")
POSTGRES_URL = os.environ.get("BENCH_DATABASE_URL")

SERVER_ENV = {**PRODUCTION_ENV, "DJANGO_SECURE_SSL_REDIRECT": "0", "WEB_CONCURRENCY": WORKERS}
USERNAME = PRODUCTION_ENV["DJANGO_SUPERUSER_USERNAME"]
PASSWORD = PRODUCTION_ENV["DJANGO_SUPERUSER_PASSWORD"]
POST_TEXT = "<p>" + "A benchmark post, written over and over by wrk. " * 8 + "</p>"
MB = 1024 * 1024
CEILING, FIRST, DEEP = "ceiling (2 KB constant page)", "/", "/ deep page (N/2)"
RARE, COMMON = "search rare word (1%)", "search common word (90%)"
POST = "POST /add (logged in)"
FLOOR_PAGE = "floor: Django, constant page"
FLOOR_POST = "floor: Django, POST, no write"
# Distinct URLs that the page cache cannot answer ({n}, {k}: see wrk.lua).
UNCACHED = "/ uncached (distinct cursors)"
LONGEST = "search longest query, no match"
TWO_LETTERS = "search 2 letters, no match"
OLD = "search old word (oldest 5%)"
FRESH = "search fresh rare word"
HOSTILE = [LONGEST, TWO_LETTERS, OLD, FRESH]


def longest_query(length):
    """A query as long as the site takes (`length`), of common words, ending in a number of
    its own ({n}: nine digits)."""
    return urllib.parse.quote(("haystack " * length)[: length - 10]) + "{n}"


# What the database holds once seeded: the words to search for, a deep page, an entry.
FACTS = """
import json
from entries.management.commands.seed_entries import COMMON_WORD, OLD_WORD, RARE_WORD
from entries.models import Entry
from entries.search import MAX_QUERY_LENGTH
from entries.views import page_cursor
middle = Entry.objects.all()[Entry.objects.count() // 2]
times = [Entry.objects.order_by(o).first().created_at for o in ["created_at", "-created_at"]]
print(json.dumps({"rare": RARE_WORD, "common": COMMON_WORD, "old": OLD_WORD,
                  "cursor": page_cursor(middle), "pk": middle.pk, "longest": MAX_QUERY_LENGTH,
                  "times": ",".join(str(int(time.timestamp())) for time in times)}))
"""
POSTS = """
from entries.models import Entry
posts = Entry.objects.filter(title__startswith="Bench post ")
print(posts.count(), posts.values("title").distinct().count())
"""


def manage(*args, database_url):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environment(**SERVER_ENV, DATABASE_URL=database_url),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def fresh_database(n):
    if POSTGRES_URL:
        manage("migrate", "--noinput", database_url=POSTGRES_URL)
        manage("flush", "--noinput", database_url=POSTGRES_URL)
        url = POSTGRES_URL
    else:
        for leftover in WORK_DIR.glob(f"n{n}.db*"):
            leftover.unlink()
        url = f"sqlite:///{WORK_DIR / f'n{n}.db'}"
        manage("migrate", "--noinput", database_url=url)
    manage("createsuperuser", "--noinput", database_url=url)
    started = time.monotonic()
    said = manage("seed_entries", str(n), "--author", USERNAME, database_url=url).strip()
    seconds = time.monotonic() - started
    print(f"{said} ({seconds:.0f} s)", flush=True)
    return url, seconds


def wrk(url, seconds, **env):
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s"]
    result = subprocess.run(
        [*command, "-s", str(LUA), url],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    figures["rps"] = figures["requests"] / figures["duration_us"] * 1_000_000
    figures["errors"] = figures["status_errors"] + figures["socket_errors"]
    return figures


def check_page(client, path, status, marker):
    """One request before the load: the target answers what it should, or the bench stops."""
    got, _, body = client.request(path)
    if got != status or marker not in body:
        sys.exit(f"{path} answered {got} without {marker!r}; not measuring it:\n{body[:500]}")


def log_in(base_url):
    """A logged-in session for POST /add: its cookies and the form's CSRF token."""
    client = Client(base_url, https=False)
    status, _, _ = client.post("/login", {"username": USERNAME, "password": PASSWORD})
    if status != 302:
        sys.exit(f"could not log in as {USERNAME} (status {status})")
    token = client.csrf_token("/")
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    body = urllib.parse.urlencode({"text": POST_TEXT, "csrfmiddlewaretoken": token})
    return {"BENCH_POST_BODY": body, "BENCH_COOKIE": cookie, "BENCH_ORIGIN": base_url}


def worker_memory(pid_file):
    """Memory (MB) of each gunicorn worker, the master's children: resident (RSS), and
    proportional (PSS: what it shares with the master and the other workers counted in
    shares), as lists."""
    master = pid_file.read_text().strip()
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    rss, pss = [], []
    for pid in children:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
        kilobytes = {line.split()[0]: int(line.split()[1]) for line in rollup}
        rss.append(kilobytes["Rss:"] * 1024 / MB)
        pss.append(kilobytes["Pss:"] * 1024 / MB)
    return rss, pss


def measure(n, ceiling_url):
    database_url, seed_seconds = fresh_database(n)
    facts = json.loads(manage("shell", "-c", FACTS, database_url=database_url).splitlines()[-1])
    pid_file = WORK_DIR / f"n{n}.pid"
    env = {**SERVER_ENV, "DATABASE_URL": database_url, "GUNICORN_CMD_ARGS": f"--pid={pid_file}"}
    floor_command = procfile("web").replace("flaskr_site.wsgi", "scripts.bench.floor")
    floor_env = {**SERVER_ENV, "DATABASE_URL": database_url}
    with web_process(**env) as base_url, web_process(floor_command, **floor_env) as floor_url:
        client = Client(base_url, https=False)
        entry, results = '<li class="entry"', '<ul class="entries">'
        # name: (path, expected status, what the answer must hold)
        targets = {
            FIRST: ("/", 200, entry),
            DEEP: (f"/?before={facts['cursor']}", 200, entry),
            RARE: (f"/search/?query={facts['rare']}", 200, results),
            COMMON: (f"/search/?query={facts['common']}", 200, results),
            "/entries/ID/": (f"/entries/{facts['pk']}/", 200, entry),
            "/feed/": ("/feed/", 200, "<entry>"),
            "/healthz": ("/healthz", 200, "ok"),
        }
        distinct = {
            # A page by a cursor of the real format: a time between the oldest and newest
            # entry, and an id of its own (larger than any entry's), so each URL is new.
            UNCACHED: ("/?before={t}-{n}", 200, entry),
            LONGEST: (f"/search/?query={longest_query(facts['longest'])}", 200, results),
            TWO_LETTERS: ("/search/?query=zq&n={n}", 200, results),
            OLD: (f"/search/?query={facts['old']}&n={{n}}", 200, results),
            FRESH: ("/search/?query={k}", 200, results),
        }
        newest = datetime.fromtimestamp(int(facts["times"].split(",")[1]), UTC)
        newest = f"{newest:%Y%m%dT%H%M%S}000000"  # As wrk.lua spells {t}.
        for path, status, marker in [*targets.values(), *distinct.values()]:
            example = path.replace("{n}", "1").replace("{k}", "99").replace("{t}", newest)
            check_page(client, example, status, marker)
        urls = {CEILING: (ceiling_url, {})}
        urls.update({name: (base_url + path, {}) for name, (path, *_) in targets.items()})
        urls.update(
            {
                name: (base_url, {"BENCH_PATH": path, "BENCH_TIMES": facts["times"]})
                for name, (path, *_) in distinct.items()
            }
        )
        urls[POST] = (base_url + "/add", log_in(base_url))
        check_page(Client(floor_url, https=False), "/floor/page", 200, "<li")
        urls[FLOOR_PAGE] = (floor_url + "/floor/page", {})
        urls[FLOOR_POST] = (floor_url + "/floor/post", log_in(floor_url))

        warmups = {
            name: wrk(url, WARMUP, BENCH_RUN="0", **extra) for name, (url, extra) in urls.items()
        }
        runs = {name: [] for name in urls}
        for round_number in range(1, ROUNDS + 1):
            for name, (url, extra) in urls.items():
                figures = wrk(url, DURATION, BENCH_RUN=str(round_number), **extra)
                runs[name].append(figures)
                print(
                    f"  N={n} round {round_number}: {name:<28} {figures['rps']:8.0f} req/s",
                    flush=True,
                )
        memory = worker_memory(pid_file)
    counts = manage("shell", "-c", POSTS, database_url=database_url).splitlines()[-1]
    stored, distinct = map(int, counts.split())
    return summarize(n, runs, warmups[POST], memory, stored, distinct, seed_seconds)


def summarize(n, runs, post_warmup, memory, stored, distinct, seed_seconds):
    ceiling = statistics.median(run["rps"] for run in runs[CEILING])
    rows = []
    for name, rounds in runs.items():
        rps = statistics.median(run["rps"] for run in rounds)
        rows.append(
            {
                "n": n,
                "target": name,
                "rps": rps,
                "ratio": rps / ceiling,
                "p50_ms": statistics.median(run["p50_us"] for run in rounds) / 1000,
                "p99_ms": statistics.median(run["p99_us"] for run in rounds) / 1000,
                "errors": sum(run["errors"] for run in rounds),
                "rounds": [round(run["rps"], 1) for run in rounds],
            }
        )
    posts = [post_warmup, *runs[POST]]
    return {
        "n": n,
        "rows": rows,
        "worker_rss_mb": memory[0],
        "worker_pss_mb": memory[1],
        "seed_seconds": seed_seconds,
        "posts": {
            "acknowledged": sum(run["requests"] - run["status_errors"] for run in posts),
            "sent": sum(run["posts_sent"] for run in posts),
            "stored_in_all": stored,
            "stored_distinct": distinct,
        },
    }


def bars(sections):
    """The bars of docs/benchmarks.md, as (what, holds) pairs."""
    small, large = sections[0], sections[-1]

    def ratio(section, target):
        return next(row["ratio"] for row in section["rows"] if row["target"] == target)

    checks = []
    for section in sections:
        n = section["n"]
        first, uncached, post = (ratio(section, t) for t in [FIRST, UNCACHED, POST])
        checks += [
            (f"/ at N={n} >= 0.40 of the ceiling ({first:.3f})", first >= 0.40),
            (f"uncached / at N={n} >= 0.10 of the ceiling ({uncached:.3f})", uncached >= 0.10),
            (f"POST /add at N={n} >= 0.12 of the ceiling ({post:.3f})", post >= 0.12),
            (
                f"deep page at N={n} >= 0.9 x first page",
                ratio(section, DEEP) >= 0.9 * first,
            ),
        ]
        errors = sum(r["errors"] for r in section["rows"])
        checks.append((f"no errors at N={n} ({errors})", errors == 0))
        rss = max(section["worker_rss_mb"])
        checks.append((f"worker memory at N={n} <= 120 MB ({rss:.0f} MB)", rss <= 120))
        posts = section["posts"]
        checks.append(
            (
                f"every acknowledged post at N={n} stored once ({posts})",
                posts["stored_in_all"] == posts["stored_distinct"]
                and posts["acknowledged"] <= posts["stored_in_all"],
            )
        )
        if n >= 1_000_000:
            seconds = section["seed_seconds"]
            checks.append((f"seeding N={n} < 180 s ({seconds:.0f} s)", seconds < 180))
        if n >= 100_000:
            for target in HOSTILE:
                checks.append(
                    (
                        f"{target} at N={n} >= 0.5 x uncached /",
                        ratio(section, target) >= 0.5 * uncached,
                    )
                )
    checks.append(
        (
            f"/ at N={large['n']} >= 0.9 x / at N={small['n']}",
            ratio(large, FIRST) >= 0.9 * ratio(small, FIRST),
        )
    )
    checks.append(
        (
            f"rare-word search at N={large['n']} >= 0.5 x /",
            ratio(large, RARE) >= 0.5 * ratio(large, FIRST),
        )
    )
    return checks


def main():
    sys.stdout.reconfigure(line_buffering=True)  # Progress shows as it happens, even in a pipe.
    WORK_DIR.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=REPO, check=True
    )
    ceiling_command = procfile("web").replace("flaskr_site.wsgi", "scripts.bench.ceiling")
    assert ceiling_command != procfile("web"), "the Procfile's web: line names flaskr_site.wsgi"
    with web_process(ceiling_command, **SERVER_ENV) as ceiling_url:
        sections = [measure(n, ceiling_url + "/") for n in SIZES]

    title = (
        f"{WORKERS} gunicorn workers, wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}s, "
        f"median of {ROUNDS} rounds, {os.cpu_count()} CPUs"
    )
    print(f"\n{title}\n")
    header = ("N", "target", "req/s", "p50 ms", "p99 ms", "errors", "ratio")
    print("{:>9}  {:<28} {:>8} {:>7} {:>7} {:>6} {:>6}".format(*header))
    for section in sections:
        for row in section["rows"]:
            print(
                f"{row['n']:>9}  {row['target']:<28} {row['rps']:>8.0f} {row['p50_ms']:>7.2f} "
                f"{row['p99_ms']:>7.2f} {row['errors']:>6} {row['ratio']:>6.3f}"
            )
        rss = ", ".join(f"{mb:.0f}" for mb in section["worker_rss_mb"])
        pss = ", ".join(f"{mb:.0f}" for mb in section["worker_pss_mb"])
        print(f"{section['n']:>9}  worker RSS after the run: {rss} MB (PSS {pss} MB)")
    checks = bars(sections)
    print()
    for what, holds in checks:
        print(f"{'PASS' if holds else 'FAIL'}  {what}")
    RESULTS.write_text(
        json.dumps(
            {
                "setup": title,
                "machine": platform.platform(),
                "database": "postgresql" if POSTGRES_URL else "sqlite",
                "sections": sections,
                "bars": [{"bar": what, "holds": holds} for what, holds in checks],
            },
            indent=2,
        )
    )
    print(f"\nFigures written to {RESULTS.name}.")
    return 0 if all(holds for _, holds in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
