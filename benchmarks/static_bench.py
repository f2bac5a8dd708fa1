"""Speed of the static half against the floor: parsing the same files with libcst alone.

The corpus is the `.py` files of the installed `torch` package (read from disk, never
imported), or of a folder given with `--corpus` (given again for more corpora, `torch` for the
package: each gets its lines, and a last table puts their ratios side by side). Both sides run in
this one process, one after the other, over the same bytes; the figures that matter are the
ratios. One process is timed in CPU seconds, which another load on a shared machine does not
inflate; `--jobs 2` in wall seconds against the same floor, as a user waits for it.
Usage: python benchmarks/static_bench.py [--corpus DIR|torch ...] [--jobs N ...] [--limit N]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import time
from pathlib import Path

import libcst as cst

from shapelint import Config, lint_paths
from shapelint.static.knowledge import may_hold_finding


def corpus(folder: Path | None) -> list[Path]:
    if folder is not None and str(folder) != "torch":
        return sorted(path for path in folder.rglob("*.py") if path.is_file())
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        raise SystemExit("install torch (pip install torch==2.13.0) to get the benchmark corpus")
    return sorted(Path(spec.origin).parent.rglob("*.py"))


def relevant(files: list[Path]) -> list[Path]:
    """The files shapelint's pre-filter lets through to the parser."""
    return [file for file in files if may_hold_finding(file.read_text(encoding="utf-8", errors="replace"))]


def parse_only(files: list[Path]) -> float:
    start = time.process_time()
    for file in files:
        with contextlib.suppress(cst.ParserSyntaxError):
            cst.parse_module(file.read_bytes())
    return time.process_time() - start


def lint(files: list[Path], jobs: int) -> tuple[float, int]:
    clock = time.process_time if jobs == 1 else time.perf_counter
    start = clock()
    run = lint_paths(files, Config(), jobs=jobs)
    return clock() - start, len(run.findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--corpus", type=Path, action="append", help="a folder to lint, or `torch` (default: the torch package)"
    )
    parser.add_argument("--jobs", type=int, action="append", help="the --jobs to time (default: 1 and 2)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (0: all)")
    options = parser.parse_args()
    ratios = [bench(folder, options.jobs or [1, 2], options.limit) for folder in options.corpus or [None]]
    if len(ratios) > 1:
        print("ratios to the libcst parse, side by side:")
        for jobs in options.jobs or [1, 2]:
            said = "   ".join(f"{name}: {found[jobs]:.2f}x" for name, found in ratios)
            print(f"  --jobs {jobs}: {said}")


def bench(folder: Path | None, jobs_timed: list[int], limit: int) -> tuple[str, dict[int, float]]:
    """Print one corpus's figures; its name and the ratio for each ``--jobs``."""
    files = corpus(folder)[: limit or None]
    name = str(folder) if folder is not None and str(folder) != "torch" else "the installed torch package"
    lines = sum(file.read_bytes().count(b"\n") for file in files)
    print(f"corpus: {len(files)} files, {lines} lines of {name}")
    floor = parse_only(files)
    print(f"libcst parse only, 1 process: {floor:7.2f} s   1.00x")
    parsed = relevant(files)
    subset = parse_only(parsed)
    print(f"  of which the {len(parsed)} files the pre-filter passes: {subset:7.2f} s   {subset / floor:.2f}x")
    ratios: dict[int, float] = {}
    for jobs in jobs_timed:
        seconds, findings = lint(files, jobs)
        ratios[jobs] = seconds / floor
        print(
            f"shapelint --jobs {jobs}:          {seconds:7.2f} s   {seconds / floor:.2f}x"
            f"   ({seconds / subset:.2f}x the parse of the files it parses; {findings} findings)"
        )
    return (Path(name).name if folder is not None and str(folder) != "torch" else "torch"), ratios


if __name__ == "__main__":
    main()
