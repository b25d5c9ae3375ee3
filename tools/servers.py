"""The project's own processes, run as Heroku runs them: the Procfile's lines, gunicorn with
production settings on a loopback port, and a small HTTP client that acts like a browser
behind Heroku's https router.

Used by the system tests (tests/system/) and by `make bench` (scripts/bench/); it imports
nothing from either.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "production-test-key-not-secret-at-all",
    "DJANGO_SUPERUSER_USERNAME": "admin",
    "DJANGO_SUPERUSER_PASSWORD": "a-long-production-password",
    "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
}


def procfile(process):
    """The command of one Procfile line, e.g. procfile("web")."""
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            return command.strip()
    raise LookupError(f"no {process}: line in the Procfile")


def environment(**env):
    """The test process's environment without its Django settings, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return {**clean, "PATH": f"{BIN}{os.pathsep}{clean.get('PATH', '')}", **env}


def run(command, cwd=BASE_DIR, **env):
    return subprocess.run(
        command,
        shell=isinstance(command, str),
        cwd=cwd,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


def copy_project(destination):
    """Copy the project's files (tracked, and new ones git does not ignore) as they are in the
    working tree: no venv, no database, no staticfiles/. Returns the copy's path."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=BASE_DIR,
        capture_output=True,
        check=True,
    )
    destination = Path(destination)
    for name in filter(None, listing.stdout.decode().split("\0")):
        source = BASE_DIR / name
        if source.is_file():  # A file deleted in the working tree but not yet in git is gone.
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def build(destination):
    """A copy of the project with its static files collected, as Heroku's build leaves it
    (collectstatic with no database and no secret key). Returns the copy's path."""
    app = copy_project(destination)
    run("python manage.py collectstatic --noinput", app, DATABASE_URL="postgres://nowhere:1/x")
    return app


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def web_process(command=None, cwd=BASE_DIR, stderr=None, **env):
    """Start the Procfile's web: process (or `command`) on a free port; yield its base URL
    once it answers. Its stderr (the app's log) goes to the file `stderr`, or is kept for
    the error message if the process does not come up."""
    port = free_port()
    # Loopback only, whatever gunicorn.conf.py binds to for Heroku (0.0.0.0).
    env["GUNICORN_CMD_ARGS"] = f"--bind=127.0.0.1:{port} {env.get('GUNICORN_CMD_ARGS', '')}"
    with contextlib.ExitStack() as stack:
        log = stderr or stack.enter_context(tempfile.TemporaryFile("w+"))
        process = subprocess.Popen(
            ["bash", "-c", command or procfile("web")],
            cwd=cwd,
            env=environment(PORT=str(port), **env),
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
            start_new_session=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(f"{base_url}/healthz", timeout=2).close()
                    break
                except urllib.error.HTTPError:
                    break  # Any answer will do (/healthz may rightly say 503): it is serving.
                except OSError:
                    time.sleep(0.1)
            if process.poll() is not None or time.monotonic() >= deadline:
                process.kill()
                process.wait()
                log.seek(0)
                raise RuntimeError(f"the web process exited:\n{log.read()}")
            yield base_url
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 15)
            process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A small HTTP client that keeps cookies even when they are Secure, as a browser
    behind Heroku's https router would."""

    def __init__(self, base_url, https=True):
        self.base_url = base_url
        self.https = https
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path, data=None, headers=None, method=None):
        headers = {**(headers or {})}
        if self.https:
            headers.setdefault("X-Forwarded-Proto", "https")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, body, headers, method=method)
        try:
            response = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            content = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name] = value
        return response.status, response.headers, content.decode(errors="replace")

    def csrf_token(self, path):
        status, _, page = self.request(path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path, data, form_page=None, headers=None):
        token = self.csrf_token(form_page or path)
        origin = self.base_url.replace("http://", "https://" if self.https else "http://")
        return self.request(
            path,
            {**data, "csrfmiddlewaretoken": token},
            {"Origin": origin, "Referer": origin + "/", **(headers or {})},
        )
