"""A PostgreSQL server of the project's own, for the tests, the deploy rehearsal and the bench.

`server()` gives the URL of a server to make databases on: the one FLASKR_POSTGRES_URL
names, used as it is (a role that may create databases), or else a throwaway one: a new
cluster (`initdb`) in a temporary directory, listening on a free loopback port, stopped and
removed afterwards. Nothing here starts, stops or reconfigures a server it did not make.
PostgreSQL refuses to run as root, so as root (CI) the throwaway server runs as the
`postgres` user that Debian's package creates.

    python -m tools.postgres [--var NAME] COMMAND...

runs COMMAND with NAME (default DATABASE_URL) set to a fresh database on such a server:
`make test-postgres` and `make bench-postgres` use it.
"""

import argparse
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

from tools.servers import free_port


class Unavailable(Exception):
    """No PostgreSQL here: FLASKR_POSTGRES_URL is unset and no server binaries are installed."""


def binaries():
    """The directory of initdb and pg_ctl: on PATH, or the newest of Debian's versions."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        raise Unavailable(
            "PostgreSQL is not installed (apt-get install postgresql), "
            "and FLASKR_POSTGRES_URL names no server"
        )
    return Path(found[-1]).parent


@contextlib.contextmanager
def server():
    """Yield the URL of a PostgreSQL server's `postgres` database, as a role that may
    create databases."""
    given = os.environ.get("FLASKR_POSTGRES_URL")
    if given:
        yield given
        return
    bin_dir = binaries()
    as_user = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
    with tempfile.TemporaryDirectory(prefix="flaskr-postgres-") as tmp:
        if as_user:
            entry = pwd.getpwnam("postgres")
            os.chown(tmp, entry.pw_uid, entry.pw_gid)
        data, port = Path(tmp) / "data", free_port()

        def pg(*command):
            subprocess.run([*as_user, *command], cwd=tmp, check=True, capture_output=True)

        pg(bin_dir / "initdb", "-D", data, "-U", "flaskr", "--auth=trust", "-E", "UTF8",
           "--locale=C.UTF-8")  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp}"
        pg(bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", Path(tmp) / "log", "-w", "start")
        try:
            yield f"postgres://flaskr@127.0.0.1:{port}/postgres"
        finally:
            pg(bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")


def create_database(server_url, prefix="flaskr"):
    """A new, empty database on the server: its URL."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


def drop_database(database_url):
    server_url, name = database_url.rsplit("/", 1)
    with psycopg.connect(server_url + "/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def cut_connections(database_url):
    """Close every other connection to the database, as a server restart or a Heroku
    Postgres maintenance does; the app must reconnect on its own."""
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


def main():
    parser = argparse.ArgumentParser(prog="python -m tools.postgres", description=__doc__)
    parser.add_argument("--var", default="DATABASE_URL", help="the variable to set")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    try:
        with server() as server_url:
            database_url = create_database(server_url)
            env = {**os.environ, args.var: database_url}
            print(f"tools.postgres: {args.var}={database_url}", flush=True)
            try:
                return subprocess.run(command, env=env).returncode
            finally:
                drop_database(database_url)
    except Unavailable as missing:
        if os.environ.get("CI"):
            print(f"tools.postgres: required in CI: {missing}", file=sys.stderr)
            return 1
        print(f"tools.postgres: skipped: {missing}", file=sys.stderr)
        return 0


if __name__ == "__main__":
    sys.exit(main())
