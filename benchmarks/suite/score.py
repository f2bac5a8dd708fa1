"""Score the static half on the held-out suite (benchmarks/suite/LABELS.tsv).

Every ``<name>/buggy`` and ``<name>/fixed`` folder is linted as its own project, from its own folder, as a
user would run ``shapelint check .`` there. A label is found when a finding lies on its line of the buggy
program. Printed: recall (overall, per evidence kind, per bug kind), each missed label, each finding on an
unlabelled line of a buggy program (to review), each finding in a fixed program (a false alarm unless a
review says otherwise), and how many fixed programs are clean.
Usage: OMP_NUM_THREADS=1 python benchmarks/suite/score.py
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections import Counter
from pathlib import Path

from shapelint import Config, lint_paths
from shapelint.findings import Finding

SUITE = Path(__file__).resolve().parent


def lint(folder: Path) -> list[Finding]:
    with contextlib.chdir(folder):
        return sorted(lint_paths([Path(".")], Config()).findings)


def show(name: str, finding: Finding) -> str:
    return f"  {name} {finding.path}:{finding.line} {finding.code} {finding.message[:150]}"


def main() -> None:
    with (SUITE / "LABELS.tsv").open(encoding="utf-8") as file:
        labels = list(csv.DictReader(file, delimiter="\t"))
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missed, unlabelled, alarms, clean = [], [], [], 0
    names = sorted({label["name"] for label in labels})
    for name in names:
        mine = [label for label in labels if label["name"] == name]
        buggy = lint(SUITE / name / "buggy")
        for label in mine:
            hit = any(Path(f.path) == Path(label["path"]) and f.line == int(label["line"]) for f in buggy)
            for key in ("all", f"evidence {label['evidence']}", f"kind {label['kind']}"):
                total[key] += 1
                found[key] += hit
            if not hit:
                missed.append(f"  {name} {label['path']}:{label['line']} [{label['evidence']}, {label['kind']}]")
        labelled = {(Path(label["path"]), int(label["line"])) for label in mine}
        unlabelled += [show(name, f) for f in buggy if (Path(f.path), f.line) not in labelled]
        fixed = lint(SUITE / name / "fixed")
        alarms += [show(name, f) for f in fixed]
        clean += not fixed
    print(f"bug lines found: {found['all']} of {total['all']}")
    for prefix in ("evidence", "kind"):
        for key in sorted(k for k in total if k.startswith(prefix)):
            print(f"  {key}: {found[key]}/{total[key]}")
    print(f"missed: {len(missed)}", *missed, sep="\n")
    print(f"findings on unlabelled lines of buggy programs: {len(unlabelled)}", *unlabelled, sep="\n")
    print(f"findings in fixed programs: {len(alarms)}", *alarms, sep="\n")
    print(f"fixed programs with no finding: {clean} of {len(names)}")


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
