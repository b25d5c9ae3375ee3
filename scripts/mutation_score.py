"""The score `make mutate` reports: mutants the tests killed, out of those that can be killed.

mutmut has run in mutants/. A mutant listed in MUTATION.md's "Equivalent mutants" table
behaves exactly like the original code, so no test could kill it: it is not counted.
Every other survivor is printed. Exits non-zero under 90%.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BAR = 90.0


def equivalent_mutants():
    """The mutant names in MUTATION.md's table: | `entries.x.x_f__mutmut_3` | why |"""
    return set(
        re.findall(r"^\| `([\w.]+__mutmut_\d+)` \|", (REPO / "MUTATION.md").read_text(), re.M)
    )


def main():
    mutmut = Path(sys.executable).with_name("mutmut")
    subprocess.run([mutmut, "export-cicd-stats"], cwd=REPO, check=True, capture_output=True)
    stats = json.loads((REPO / "mutants" / "mutmut-cicd-stats.json").read_text())
    listing = subprocess.run(
        [mutmut, "results"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    not_killed = dict(line.strip().rsplit(": ", 1) for line in listing.splitlines() if ": " in line)
    equivalent = equivalent_mutants()
    stale = equivalent - not_killed.keys()
    survivors = {name: status for name, status in not_killed.items() if name not in equivalent}

    detected = stats["killed"] + stats["timeout"]
    killable = stats["total"] - stats["skipped"] - len(equivalent & not_killed.keys())
    score = 100 * detected / killable if killable else 100.0
    print(
        f"\n{len(survivors)} mutants not killed (equivalent ones, listed in MUTATION.md, left out):"
    )
    for name, status in sorted(survivors.items()):
        print(f"  {name}: {status}    (mutmut show {name})")
    if stale:
        print(f"\nListed as equivalent but killed or gone now: {', '.join(sorted(stale))}")
    print(
        f"\nMutation score: {detected} of {killable} killable mutants killed = {score:.1f}% "
        f"({stats['total']} mutants, {len(equivalent & not_killed.keys())} equivalent; "
        f"the bar is {BAR:.0f}%)"
    )
    return 0 if score >= BAR else 1


if __name__ == "__main__":
    sys.exit(main())
