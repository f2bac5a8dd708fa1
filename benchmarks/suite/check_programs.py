"""Run every program of the suite, buggy and fixed, and show that each bug changes what the program does.

Each program folder (``<name>/buggy``, ``<name>/fixed``) has a ``run.py`` whose ``smoke()`` trains a few
steps on tiny data (batch != seq_len) and returns a dict of observations (a behavioural witness such as
"sample 0's output depends on sample 1" or "padding changes the result"). A program passes when its fixed
version runs and its buggy version either raises (where is printed: the innermost line of the program) or
returns other observations than the fixed one. A benchmark, not a test: it needs torch (CPU is enough).
Usage: OMP_NUM_THREADS=1 python benchmarks/suite/check_programs.py [NAME ...]
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402

SUITE = Path(__file__).resolve().parent


def run_folder(folder: Path) -> dict | BaseException:
    """Import ``folder/run.py`` afresh (its sibling modules too) and call ``smoke()``."""
    own = {path.stem for path in folder.glob("*.py")}
    for name in own:
        sys.modules.pop(name, None)
    sys.path.insert(0, str(folder))
    try:
        torch.manual_seed(0)
        return importlib.import_module("run").smoke()
    except Exception as error:  # a crash of the buggy program is one of the outcomes we measure
        return error
    finally:
        sys.path.remove(str(folder))
        for name in own:
            sys.modules.pop(name, None)


def where(error: BaseException, folder: Path) -> str:
    """The innermost frame of the traceback that lies in the program's folder."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).parent == folder]
    if not frames:
        return "?"
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"


def main() -> int:
    torch.set_num_threads(1)
    names = sys.argv[1:] or sorted(p.name for p in SUITE.iterdir() if (p / "buggy" / "run.py").exists())
    start, failures = time.perf_counter(), 0
    for name in names:
        fixed = run_folder(SUITE / name / "fixed")
        buggy = run_folder(SUITE / name / "buggy")
        if isinstance(fixed, BaseException):
            verdict = f"FAIL fixed raises {type(fixed).__name__}: {fixed} at {where(fixed, SUITE / name / 'fixed')}"
        elif isinstance(buggy, BaseException):
            message = str(buggy).splitlines()[0][:90]
            verdict = f"ok   buggy raises at {where(buggy, SUITE / name / 'buggy')}: {type(buggy).__name__}: {message}"
        elif buggy != fixed:
            verdict = f"ok   buggy runs, differs: buggy {buggy} / fixed {fixed}"
        else:
            verdict = f"FAIL buggy and fixed agree: {fixed}"
        failures += verdict.startswith("FAIL")
        print(f"{name:28} {verdict}")
    print(f"{len(names) - failures} of {len(names)} programs show their bug ({time.perf_counter() - start:.1f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
