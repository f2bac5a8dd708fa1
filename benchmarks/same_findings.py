"""Whether two versions of shapelint find the same things: a speed change must not change a finding.

Lints every repository folder (`OWNER+NAME`) under the corpus folders given, each as its own project,
once with the code of each source tree (`--before`, `--after`: checkouts of shapelint, e.g. a worktree
of main and the branch), and compares the JSON output (messages, positions, fixes) and what was said on
stderr, repository by repository.
Usage: python benchmarks/same_findings.py --before TREE --after TREE [CORPUS_DIR ...]
(default corpus: /work/corpus/*/)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path


def lint(tree: Path, repository: Path) -> tuple[str, str]:
    """The JSON findings and the stderr of ``shapelint check`` over one repository, with ``tree``'s code."""
    environment = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "shapelint", "check", ".", "--no-cache", "--exit-zero", "--jobs", "1"]
    done = subprocess.run(
        [*command, "--output-format", "json"], cwd=repository, env=environment, capture_output=True, text=True
    )
    return done.stdout, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, required=True, help="a checkout of shapelint (the reference)")
    parser.add_argument("--after", type=Path, required=True, help="a checkout of shapelint (the change)")
    parser.add_argument("corpora", type=Path, nargs="*", help="folders of OWNER+NAME repositories")
    options = parser.parse_args()
    corpora = options.corpora or sorted(path for path in Path("/work/corpus").iterdir() if path.is_dir())
    repositories = sorted(path for corpus in corpora for path in corpus.glob("*+*") if path.is_dir())
    differing = findings = 0
    for repository in repositories:
        before, after = lint(options.before, repository), lint(options.after, repository)
        findings += len(json.loads(after[0] or "[]"))
        if before != after:
            differing += 1
            print(f"differs: {repository}")
    print(f"{len(repositories)} repositories, {differing} differing; {findings} findings after the change")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
