"""`make bench-moving`: how fast the blog moves in and out, and whether memory stays flat.

For each N (MOVING_N, default "1000,100000"): a Flaskr SQLite file of N rows made with the
tutorial's schema.sql (titles of ~40 characters, HTML texts of ~400, as seed_entries makes),
a fresh SQLite blog (`manage.py migrate`), then `manage.py import_flaskr` into it and
`manage.py export_entries` out of it into an empty folder, each a process of its own, with
production settings (debug off), timed from outside; its peak RSS comes from the kernel
(wait4's ru_maxrss). Bars, at the largest N: import >= 2,000 entries/s, export >= 5,000
files/s, and each command's RSS within 50 MB of its RSS at the smallest N. PASS or FAIL
for each; the exit status is 1 when any failed. Everything is made in a temporary folder
and removed afterwards.
"""

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SIZES = [int(n) for n in os.environ.get("MOVING_N", "1000,100000").split(",")]
IMPORT_BAR = 2000  # entries a second
EXPORT_BAR = 5000  # files a second
RSS_BAR = 50  # MB more at the largest N than at the smallest
# The tutorial's own schema.sql.
SCHEMA = """
drop table if exists entries;
create table entries (
  id integer primary key autoincrement,
  title text not null,
  'text' text not null
);
"""
# A list of 12 words reads better as text.
WORDS = "alpha bravo cactus delta ember falcon garden harbor island jasper kettle lantern".split()  # noqa: SIM905


def flaskr_file(path, count):
    """A Flaskr database of `count` rows, the same ones for the same count."""
    rng = random.Random(count)
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO entries (title, text) VALUES (?, ?)",
            (
                (
                    " ".join(rng.choices(WORDS, k=5)).capitalize() + f" {n}",
                    "".join(f"<p>{' '.join(rng.choices(WORDS, k=30))}.</p>" for _ in range(2)),
                )
                for n in range(count)
            ),
        )
    db.close()


def manage(env, *args):
    """Run manage.py as a process of its own: (seconds, peak RSS in MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed ({process.returncode})")
    return seconds, usage.ru_maxrss / 1024  # Linux gives kilobytes.


def measure(folder, count):
    source, blog, out = (
        folder / f"flaskr-{count}.db",
        folder / f"blog-{count}.db",
        folder / f"out-{count}",
    )
    flaskr_file(source, count)
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-moving-only",
           "DATABASE_URL": f"sqlite:///{blog}"}  # fmt: skip
    manage(env, "migrate", "--noinput")
    import_seconds, import_rss = manage(env, "import_flaskr", str(source))
    export_seconds, export_rss = manage(env, "export_entries", str(out))
    files = sum(1 for _ in out.iterdir())
    assert files == count, f"{files} files for {count} entries"
    return {
        "import/s": count / import_seconds,
        "export/s": count / export_seconds,
        "import MB": import_rss,
        "export MB": export_rss,
        "import s": import_seconds,
        "export s": export_seconds,
    }


def main():
    results = {}
    with tempfile.TemporaryDirectory(prefix="flaskr-moving-") as tmp:
        for count in SIZES:
            results[count] = row = measure(Path(tmp), count)
            print(
                f"N={count:>9,}  import {row['import/s']:>8,.0f} entries/s "
                f"({row['import s']:.1f} s, RSS {row['import MB']:.0f} MB)  "
                f"export {row['export/s']:>8,.0f} files/s "
                f"({row['export s']:.1f} s, RSS {row['export MB']:.0f} MB)",
                flush=True,
            )
    small, large = results[min(SIZES)], results[max(SIZES)]
    checks = [
        (f"import >= {IMPORT_BAR:,} entries/s at {max(SIZES):,}", large["import/s"] >= IMPORT_BAR),
        (f"export >= {EXPORT_BAR:,} files/s at {max(SIZES):,}", large["export/s"] >= EXPORT_BAR),
        (
            f"import RSS at {max(SIZES):,} within {RSS_BAR} MB of {min(SIZES):,} "
            f"(+{large['import MB'] - small['import MB']:.1f} MB)",
            large["import MB"] - small["import MB"] <= RSS_BAR,
        ),
        (
            f"export RSS at {max(SIZES):,} within {RSS_BAR} MB of {min(SIZES):,} "
            f"(+{large['export MB'] - small['export MB']:.1f} MB)",
            large["export MB"] - small["export MB"] <= RSS_BAR,
        ),
    ]
    for name, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    return 0 if all(passed for _, passed in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
