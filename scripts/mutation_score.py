"""The score `make mutate` reports: the mutants the tests killed, out of all mutmut made.

mutmut has run in mutants/. Code that no test could tell from a mutant is marked in place
with `# pragma: no mutate` and its reason, so mutmut makes no mutant there; every survivor
is printed. Exits non-zero under 90%.
"""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BAR = 90.0


def main():
    mutmut = Path(sys.executable).with_name("mutmut")
    subprocess.run([mutmut, "export-cicd-stats"], cwd=REPO, check=True, capture_output=True)
    stats = json.loads((REPO / "mutants" / "mutmut-cicd-stats.json").read_text())
    listing = subprocess.run(
        [mutmut, "results"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    survivors = dict(line.strip().rsplit(": ", 1) for line in listing.splitlines() if ": " in line)
    detected = stats["killed"] + stats["timeout"]
    total = stats["total"] - stats["skipped"]
    score = 100 * detected / total if total else 100.0
    print(f"\n{len(survivors)} mutants not killed:")
    for name, status in sorted(survivors.items()):
        print(f"  {name}: {status}    (mutmut show {name})")
    print(
        f"\nMutation score: {detected} of {total} mutants killed = {score:.1f}% "
        f"(the bar is {BAR:.0f}%)"
    )
    return 0 if score >= BAR else 1


if __name__ == "__main__":
    sys.exit(main())
