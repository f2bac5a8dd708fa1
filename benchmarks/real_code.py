"""Score the static half against the labelled lines of real repositories (docs/real-code-labels.tsv).

The repositories are not in this project: fetch each at the commit the labels give and put its
files in a folder named ``OWNER+NAME`` anywhere below CORPUS. Each repository is linted as one
project from its own folder, as a user would run ``shapelint check .`` there. A label is found
when a finding lies on one of its lines; a finding on no labelled line is listed for review.
Usage: python benchmarks/real_code.py CORPUS [--labels FILE] [--missed]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from shapelint import Config, lint_paths
from shapelint.findings import Finding

LABELS = Path(__file__).resolve().parent.parent / "docs" / "real-code-labels.tsv"


@dataclass(frozen=True)
class Label:
    repository: str
    path: str
    lines: range
    label: str
    category: str
    cell: int | None = None  # a notebook's code cell, as findings name it (`cell 3:12-14`)
    evidence: str = ""
    corpus: str = ""  # the set it was labelled in (`repo-rnn-5`): each was read before a linter run

    def holds(self, finding: Finding) -> bool:
        return Path(finding.path) == Path(self.path) and finding.cell == self.cell and finding.line in self.lines


def read_labels(path: Path) -> list[Label]:
    labels = []
    with path.open(encoding="utf-8") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            place = re.fullmatch(r"(?:cell (\d+):)?(\d+)(?:-(\d+))?", row["lines"].strip())
            if place is None:
                raise SystemExit(f"{path}: cannot read the lines {row['lines']!r}")
            cell, first, last = place.groups()
            lines = range(int(first), int(last or first) + 1)
            labels.append(
                Label(
                    row["repository"],
                    row["path"],
                    lines,
                    row["label"],
                    row["category"],
                    int(cell) if cell else None,
                    row.get("evidence") or "",
                    row.get("set") or "",
                )
            )
    return labels


def lint_repository(folder: Path) -> list[Finding]:
    with contextlib.chdir(folder):
        return list(lint_paths([Path(".")], Config()).findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="the folder holding the repositories (as OWNER+NAME folders)")
    parser.add_argument("--labels", type=Path, default=LABELS, help=f"the labels (default: {LABELS.name})")
    parser.add_argument("--missed", action="store_true", help="list the bug lines no finding is on")
    options = parser.parse_args()
    labels = read_labels(options.labels)
    folders = {folder.name: folder for folder in options.corpus.rglob("*+*") if folder.is_dir()}
    found: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    per_set: Counter[tuple[str, str, bool]] = Counter()  # (set, label, flagged)
    unlabelled: list[str] = []
    missed: list[str] = []
    false_alarms: list[str] = []
    missing = sorted({label.repository for label in labels} - {name.replace("+", "/", 1) for name in folders})
    for repository in sorted({label.repository for label in labels} - set(missing)):
        findings = lint_repository(folders[repository.replace("/", "+", 1)])
        mine = [label for label in labels if label.repository == repository]
        for label in mine:
            hit = any(label.holds(f) for f in findings)
            total[label.label, label.category] += 1
            found[label.label, label.category] += hit
            per_set[label.corpus, label.label, hit] += 1
            cell = f"cell {label.cell}:" if label.cell is not None else ""
            place = f"{label.lines.start}" + (f"-{label.lines.stop - 1}" if len(label.lines) > 1 else "")
            if label.label == "bug" and not hit:
                missed.append(f"  {repository} {label.path}:{cell}{place} [{label.category}] {label.evidence}")
            if label.label == "correct" and hit:
                codes = ", ".join(sorted({f.code for f in findings if label.holds(f)}))
                false_alarms.append(f"  {repository} {label.path}:{cell}{place} {codes} [{label.category}]")
        for finding in findings:
            if not any(label.holds(finding) for label in mine):
                cell = f"cell {finding.cell}:" if finding.cell is not None else ""
                unlabelled.append(f"  {repository} {finding.path}:{cell}{finding.line} {finding.code}")
    for kind in ("bug", "correct", "uncertain", "harmless"):
        keys = sorted(key for key in total if key[0] == kind)
        if not keys:
            continue
        hits, count = sum(found[key] for key in keys), sum(total[key] for key in keys)
        print(f"{kind}: {hits} of {count} lines flagged")
        for key in keys:
            print(f"  {key[1] or '(no category)'}: {found[key]}/{total[key]}")
    sets = sorted({corpus for corpus, _, _ in per_set})
    if len(sets) > 1:
        print("per set (bug lines flagged, correct lines flagged):")
        for corpus in sets:
            bugs = per_set[corpus, "bug", True], per_set[corpus, "bug", True] + per_set[corpus, "bug", False]
            look_alikes = (
                per_set[corpus, "correct", True],
                per_set[corpus, "correct", True] + per_set[corpus, "correct", False],
            )
            print(f"  {corpus}: {bugs[0]}/{bugs[1]}, {look_alikes[0]}/{look_alikes[1]}")
    if false_alarms:
        print(f"correct look-alikes flagged: {len(false_alarms)}")
        print("\n".join(false_alarms))
    print(f"findings on no labelled line: {len(unlabelled)}")
    print("\n".join(unlabelled))
    if options.missed:
        print(f"bug lines missed: {len(missed)}")
        print("\n".join(missed))
    if missing:
        print(f"repositories not in {options.corpus}: {', '.join(missing)}")


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
