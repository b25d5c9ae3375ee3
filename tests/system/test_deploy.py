"""A deploy rehearsal (`make deploy-check`): what Heroku does with this repo, done here.

In a temporary directory holding the committed tree: a fresh venv from requirements.txt
alone, collectstatic as the buildpack runs it (no database, no secret key), PostgreSQL,
the Procfile's release: phase, its web: process under honcho with production settings,
a superuser from `createsuperuser --noinput`, then the main flows over HTTP as they come
through Heroku's https router. Each step is printed; the first failure exits non-zero.
"""

import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from entries.tests.servers import Client, environment, web_process  # noqa: E402

POSTGRES = os.environ.get("FLASKR_POSTGRES_URL", "postgres://flaskr:flaskr@127.0.0.1:5432/flaskr")
PASSWORD = secrets.token_urlsafe(16)


def step(name):
    print(f"--> {name}", flush=True)


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}", flush=True)
        sys.exit(1)
    print(f"    ok: {what}", flush=True)


def sh(command, cwd, **env):
    result = subprocess.run(
        command, shell=True, cwd=cwd, env=environment(**env), capture_output=True, text=True
    )
    if result.returncode:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
    check(result.returncode == 0, command)
    return result.stdout


def fresh_database():
    """A new, empty database on the PostgreSQL server; the server is started if it is down."""
    try:
        psycopg.connect(POSTGRES, connect_timeout=3).close()
    except psycopg.OperationalError:
        subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=False)
    name = f"flaskr_deploy_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return name, POSTGRES.rsplit("/", 1)[0] + "/" + name


def drive(base_url):
    client = Client(base_url)
    step("health, index, static files, headers")
    status, _, body = client.request("/healthz")
    check((status, body) == (200, "ok"), "/healthz says ok")
    status, headers, page = client.request("/")
    check(status == 200 and "No entries yet. Add some!" in page, "/ answers, empty")
    for header in ["Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options"]:
        check(header in headers, f"/ sends {header}")
    css = re.search(r'href="(/static/style\.[0-9a-f]{12}\.css)"', page)
    check(css is not None, "the stylesheet has a hashed name")
    status, headers, _ = client.request(css.group(1))
    check(status == 200 and "immutable" in headers["Cache-Control"], "it is served, cached")
    check(Client(base_url, https=False).request("/")[0] == 301, "plain http is redirected")

    step("login, add, search, feed, delete")
    status, _, _ = client.post("/login", {"username": "admin", "password": PASSWORD})
    check(status == 302, "the superuser logs in on /login")
    status, _, _ = client.post("/add", {"title": "Rehearsal", "text": "<em>deployed</em>"}, "/")
    check(status == 302, "an entry is posted")
    page = client.request("/")[2]
    entry_id = re.search(r'<li class="entry" data-id="(\d+)">', page).group(1)
    check("<em>deployed</em>" in page, "it is on the index")
    check("Rehearsal" in client.request("/search/?query=rehears")[2], "search finds it")
    check("Rehearsal" in client.request("/feed/")[2], "the feed has it")
    status, _, body = client.post(
        f"/delete/{entry_id}", {}, "/", headers={"Accept": "application/json"}
    )
    check((status, '"status": 1' in body) == (200, True), "it is deleted over JSON")

    step("a restarted database server is survived (CONN_HEALTH_CHECKS)")
    subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True)
    check(client.request("/healthz")[0] == 200, "/healthz is ok again after the restart")
    check(client.request("/")[0] == 200, "/ is served, not a 500")

    step("admin")
    admin = Client(base_url)
    status, headers, _ = admin.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD}
    )
    check(status == 302, "the superuser logs in to /admin/")
    check("Site administration" in admin.request("/admin/")[2], "the admin opens")


def main():
    with tempfile.TemporaryDirectory(prefix="flaskr-deploy-") as tmp:
        app = Path(tmp) / "app"
        step(f"the committed tree, in {app}")
        app.mkdir()
        sh(f"git -C {REPO} archive HEAD | tar -x -C {app}", cwd=tmp)
        python = (REPO / ".python-version").read_text().strip()
        step(f"a fresh venv (Python {python}) from requirements.txt alone")
        sh(f"python{python} -m venv .heroku && .heroku/bin/pip install -q -r requirements.txt", app)
        bin_path = f"{app / '.heroku' / 'bin'}{os.pathsep}{os.environ['PATH']}"
        step("collectstatic, as the buildpack runs it: no database, no secret key")
        sh("python manage.py collectstatic --noinput", app, PATH=bin_path)

        step("PostgreSQL")
        name, database_url = fresh_database()
        env = {
            "PATH": bin_path,
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SUPERUSER_USERNAME": "admin",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
            "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
        }
        try:
            step("release: phase")
            release = (app / "Procfile").read_text().split("release:")[1].splitlines()[0]
            sh(release.strip(), app, **env)
            sh("python manage.py check --deploy --fail-level WARNING", app, **env)
            sh("python manage.py createsuperuser --noinput", app, **env)
            step("web: process under honcho")
            honcho = f"{Path(sys.executable).parent / 'honcho'} start web -p $PORT"
            with web_process(honcho, cwd=app, **env) as base_url:
                print(f"    serving on {base_url}", flush=True)
                drive(base_url)
        finally:
            with psycopg.connect(POSTGRES, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print("deploy-check: all steps passed", flush=True)


if __name__ == "__main__":
    main()
