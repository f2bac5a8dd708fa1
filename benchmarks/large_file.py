"""Time and memory of one large file: N MB of model code linted as one module, beside libcst's parse.

The text is the `.py` files of a folder concatenated (and repeated) up to the size asked: by default
fairseq's `fairseq/models` where fairseq is installed, else the installed torch package's `torch/nn`
(read from disk, never imported). It is written to a temporary file, then `shapelint check` lints it
in one child process and libcst parses it in another; each child's wall and CPU seconds and its
peak resident memory (from `wait4`, the same figure `getrusage(RUSAGE_CHILDREN)` reports) are
printed with their ratios to the parse's. Issue 16 asks for at most 1 GB for a 5 MB file.
Usage: python benchmarks/large_file.py [--megabytes N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARSE = "import sys, libcst; libcst.parse_module(open(sys.argv[1], encoding='utf-8').read())"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    output: str


def default_corpus() -> Path:
    for package, folder in (("fairseq", "models"), ("torch", "nn")):
        spec = importlib.util.find_spec(package)  # finds the package without importing it
        if spec is not None and spec.origin is not None:
            return Path(spec.origin).parent / folder
    raise SystemExit("install torch, or give a folder of model code with --corpus")


def model_code(folder: Path, size: int) -> tuple[str, int]:
    """The folder's files one after the other, repeated up to ``size`` characters, and how many
    files it read. `from __future__` lines go: they are only valid at the top of a module."""
    files = []
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("from __future__"))
        try:
            ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        files.append(text if text.endswith("\n") else text + "\n")
    if not files:
        raise SystemExit(f"no Python files that parse under {folder}")
    parts: list[str] = []
    total = 0
    while total < size:
        for text in files:
            parts.append(text)
            total += len(text)
            if total >= size:
                break
    return "".join(parts), len(files)


def measured(command: list[str]) -> Run:
    """Run ``command`` in a child process; its wall and CPU seconds and peak resident memory."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environment, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        output.seek(0)
        said = output.read().strip()
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{said[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, said)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, default=5.0, help="size of the file (default 5)")
    parser.add_argument("--corpus", type=Path, default=None, help="a folder of model code (default: see above)")
    options = parser.parse_args()
    folder = options.corpus or default_corpus()
    text, files = model_code(folder, int(options.megabytes * 1_000_000))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "models.py"
        path.write_text(text, encoding="utf-8")
        lines = text.count("\n")
        print(f"{len(text) / 1e6:.2f} MB, {lines} lines: the {files} files of {folder}, repeated to size")
        parse = measured([sys.executable, "-c", PARSE, str(path)])
        lint = measured([sys.executable, "-m", "shapelint", "check", "--no-cache", str(path)])
    print("                    wall       CPU   peak memory")
    for name, run in (("libcst parse", parse), ("shapelint check", lint)):
        print(
            f"{name:16} {run.wall:7.1f} s {run.cpu:7.1f} s {run.peak_mb:7.0f} MB"
            f"   {run.cpu / parse.cpu:.2f}x CPU, {run.peak_mb / parse.peak_mb:.2f}x memory"
        )
    print(f"shapelint: {lint.output.splitlines()[-1] if lint.output else ''}")


if __name__ == "__main__":
    main()
