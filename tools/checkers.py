"""The outside checkers of the pages, as npm ships them: the W3C's Nu HTML Checker (vnu.jar,
run by Java), axe-core (injected into Chromium) and Lighthouse. `make test` installs the first
two into .cache/checkers and `make lighthouse` the third into .cache/lighthouse (the Makefile
pins their versions); nothing here downloads anything.

Used by the page checks (tests/system/test_pages.py) and by scripts/lighthouse.py.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
NODE_MODULES = BASE_DIR / ".cache" / "checkers" / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = BASE_DIR / ".cache" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
JAVA = shutil.which("java")


def html_errors(pages):
    """What the Nu HTML Checker calls an error in each page: {name: ["line N: message", ...]}
    for `pages`, {name: html}. One run of the checker for all of them (Java starts once)."""
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for name, page in pages.items():
            files[name] = Path(folder) / f"{len(files)}.html"
            files[name].write_text(page, encoding="utf-8")
        result = subprocess.run(
            [JAVA, "-jar", VNU_JAR, "--format", "json", "--stdout", "--exit-zero-always",
             *map(str, files.values())],
            capture_output=True, text=True, timeout=300, check=True,
        )  # fmt: skip
    messages = json.loads(result.stdout)["messages"]
    errors = {name: [] for name in pages}
    for name, path in files.items():
        for message in messages:
            if message["url"].endswith(f"/{path.name}") and message["type"] != "info":
                errors[name].append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


# axe-core's findings, shortened to what a failing test needs to say.
AXE_RUN = """async () => {
  const found = await axe.run(document, {resultTypes: ["violations"]});
  return found.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


def axe_violations(page, impacts=("serious", "critical")):
    """axe-core's violations of the `impacts` in a Playwright page whose context was given
    AXE_SCRIPT as an init script (it then runs before the page's own, untouched by its CSP)."""
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in impacts]
