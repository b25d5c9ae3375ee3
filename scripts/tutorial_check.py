"""`make tutorial-check`: follow docs/tutorial.md as a learner would, from an empty folder.

The page marks the code blocks a learner acts on with an HTML comment on the line before
the block:

    <!-- check: write PATH -->    the block is the whole file PATH
    <!-- check: append PATH -->   the block goes at the end of PATH
    <!-- check: run -->           the block's commands, run in the learner's folder
    <!-- check: red -->           the last run failed, and its output holds these lines
    <!-- check: green -->         the last run passed, and its output holds these lines
    <!-- check: serve PATH TEXT --> the block's one command serves the site on port 8000:
                                  it is started on a free port, and PATH must show TEXT
                                  (several "PATH TEXT" may follow each other, split by " ; ")

The lines of a red or green block must appear in the output in their order, others may come
between them; "..." stands for any characters, and durations ("in 0.12s") may differ. Blocks
without a marker (the Heroku commands, a sample of output) are not run.

The commands run in a new venv in a temporary folder, made by the Python that runs this
script and filled by pip with the versions the page pins, which must be the project's own
(requirements*.txt). Exit status 0 when every step did what the page says.
"""

import argparse
import contextlib
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
from tools.servers import free_port  # noqa: E402

PAGE = BASE_DIR / "docs" / "tutorial.md"
MARKER = re.compile(r"^<!-- check: (\w+)(?: (.*?))? -->$")
FENCE = re.compile(r"^```")
DURATION = re.compile(r"\b\d+\.\d+s\b")
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)$")
TIMEOUT = 300


class Failure(Exception):
    pass


def steps(text):
    """The page's marked blocks, in order: (line number, kind, argument, block text)."""
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines):
        match = MARKER.match(line.strip())
        if not match:
            continue
        start = number + 1
        if start >= len(lines) or not FENCE.match(lines[start]):
            raise Failure(f"line {number + 1}: a check marker must stand right before a ```block")
        end = next(i for i in range(start + 1, len(lines)) if FENCE.match(lines[i]))
        found.append((number + 1, match[1], match[2] or "", "\n".join(lines[start + 1 : end])))
    return found


def matches(expected, actual):
    """Whether every line of `expected` appears in `actual`, in order ("..." is a wildcard)."""
    remaining = iter(DURATION.sub("0.00s", line).rstrip() for line in actual.splitlines())
    for line in expected.splitlines():
        line = DURATION.sub("0.00s", line).rstrip()
        if not line or line == "...":
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in line.split("...")))
        if not any(pattern.fullmatch(candidate) for candidate in remaining):
            return False
    return True


def project_pins():
    pins = {}
    for name in ["requirements.txt", "requirements-dev.txt"]:
        for line in (BASE_DIR / name).read_text().splitlines():
            match = PIN.match(line.split("#")[0].strip())
            if match:
                pins[match[1].lower()] = match[2]
    return pins


def check_pins(found):
    """Every `pip install X==Y` on the page, and every pin the page writes into a requirements
    file, names the version the project itself pins."""
    pins = project_pins()
    words = []
    for _, kind, argument, block in found:
        if kind == "run":
            for line in block.splitlines():
                if line.startswith("pip install"):
                    words += shlex.split(line)[2:]
        elif kind == "write" and argument.endswith("requirements.txt"):
            words += block.split()
    for word in words:
        match = PIN.match(word)
        if match and pins.get(match[1].lower()) != match[2]:
            raise Failure(f"the page pins {word}; the project pins {pins.get(match[1].lower())}")


class Learner:
    """The learner's folder and shell: a venv made from this Python, activated for every
    command, and nothing of this project's own settings in the environment."""

    def __init__(self, folder):
        self.folder = folder
        shims = folder.parent / "bin"
        shims.mkdir()
        # The page says `python3.13 -m venv`: here that is the Python running this script.
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        (shims / version).symlink_to(getattr(sys, "_base_executable", sys.executable))
        venv = folder / ".venv"
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
        clean.pop("PYTHONPATH", None)
        self.env = {
            **clean,
            "PATH": f"{venv / 'bin'}{os.pathsep}{shims}{os.pathsep}{clean.get('PATH', '')}",
            "VIRTUAL_ENV": str(venv),
            "PYTHONDONTWRITEBYTECODE": "1",
            "COLUMNS": "80",
        }
        self.last = None

    def run(self, block):
        script = "set -e\n" + block
        result = subprocess.run(
            ["bash", "-c", script],
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=TIMEOUT,
        )
        self.last = result
        return result

    @contextlib.contextmanager
    def serving(self, command):
        """Run a server command on a free port instead of 8000; yield a function that
        fetches a path from it, once it answers."""
        port = free_port()
        with tempfile.TemporaryFile("w+") as log:
            process = subprocess.Popen(
                ["bash", "-c", command.replace("8000", str(port))],
                cwd=self.folder,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

            def fetch(path):
                deadline = time.monotonic() + 30
                while process.poll() is None and time.monotonic() < deadline:
                    try:
                        url = f"http://127.0.0.1:{port}{path}"
                        with urllib.request.urlopen(url, timeout=5) as response:
                            return response.read().decode(errors="replace")
                    except urllib.error.HTTPError as error:
                        return error.read().decode(errors="replace")
                    except OSError:
                        time.sleep(0.2)
                log.seek(0)
                raise Failure(f"{command} did not serve {path}:\n{log.read()}")

            try:
                yield fetch
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, 15)
                process.wait(timeout=30)


def follow(page_text, folder, say=print):
    found = steps(page_text)
    check_pins(found)
    learner = Learner(folder)
    # The last run and where it is, until a red or green block says what it should show.
    pending, pending_where = None, None
    for number, kind, argument, block in found:
        where = f"line {number}"
        if pending is not None and kind not in ("red", "green"):
            if pending.returncode != 0:
                raise Failure(f"{pending_where}: the commands failed:\n{pending.stdout}")
            pending = None
        if kind == "write":
            path = folder / argument
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block + "\n")
            say(f"{where}: wrote {argument}")
        elif kind == "append":
            path = folder / argument
            with path.open("a") as file:
                file.write("\n" + block + "\n")
            say(f"{where}: added to {argument}")
        elif kind == "run":
            started = time.monotonic()
            pending, pending_where = learner.run(block), where
            first = block.strip().splitlines()[-1]
            say(f"{where}: ran {first} ({time.monotonic() - started:.1f} s)")
        elif kind in ("red", "green"):
            if pending is None:
                raise Failure(f"{where}: a {kind} block with no command before it")
            failed = pending.returncode != 0
            if failed != (kind == "red") or not matches(block, pending.stdout):
                state = "failed" if failed else "passed"
                raise Failure(
                    f"{where}: the page expects {kind.upper()} with:\n{block}\n\n"
                    f"but the command {state} with:\n{pending.stdout}"
                )
            say(f"{where}: {kind} as the page says")
            pending = None
        elif kind == "serve":
            command = block.strip()
            if "\n" in command or "8000" not in command:
                raise Failure(f"{where}: a serve block is one command on port 8000")
            with learner.serving(command) as fetch:
                for look in argument.split(" ; "):
                    path, _, text = look.partition(" ")
                    body = fetch(path)
                    if text not in body:
                        raise Failure(f"{where}: {path} does not show {text!r}:\n{body[:2000]}")
                    say(f"{where}: {command} served {path} with {text!r}")
        else:
            raise Failure(f"{where}: unknown check {kind!r}")
    if pending is not None and pending.returncode != 0:
        raise Failure(f"{pending_where}: the commands failed:\n{pending.stdout}")
    if not found:
        raise Failure("the page marks no steps")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", type=Path, default=PAGE, help="the tutorial (docs/tutorial.md)")
    parser.add_argument("--keep", type=Path, help="build in this new folder and keep it")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True)
            root = args.keep
        else:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tutorial-")))
        folder = root / "flaskr"
        folder.mkdir()
        try:
            follow(args.page.read_text(), folder, lambda line: print(line, flush=True))
        except (Failure, subprocess.TimeoutExpired) as failure:
            print(f"tutorial-check FAILED: {failure}", file=sys.stderr)
            return 1
    seconds = time.monotonic() - started
    print(f"tutorial-check passed: every step as the page says, in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
