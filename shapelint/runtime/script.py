"""`shapelint run script.py [args...]`: run a program as `__main__` under the tracer, then report.

The program's own failure stays its own: its traceback (without shapelint's and runpy's frames),
its `sys.exit` message, its exit status; the report then says the findings are those of the run up
to the failure, never that a failed run was clean.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from pathlib import Path

import shapelint
from shapelint.catalog import all_rules
from shapelint.report import render, text
from shapelint.runtime.tracer import trace

# Exit status of a program stopped by Ctrl-C, as a shell reports it (128 + SIGINT).
INTERRUPTED = 130
_OWN_FILES = (str(Path(shapelint.__file__).parent), str(Path(runpy.__file__)), "<frozen runpy>")


def run_script(script: Path, arguments: list[str], fmt: str, output: Path | None = None) -> int:
    """Exit status: the script's own failure first, else 1 with findings, else 0."""
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [str(script), *arguments]
    sys.path.insert(0, str(script.resolve().parent))
    failed = 0
    tracer = trace()
    try:
        with tracer:
            runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_:
        failed = _exit_status(exit_)
    except KeyboardInterrupt as interrupt:
        sys.stderr.write(user_traceback(interrupt))
        failed = INTERRUPTED
    except BaseException as error:  # the script's own error: its traceback, then what was found until then
        sys.stderr.write(user_traceback(error))
        failed = 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    findings = tracer.findings
    for problem in dict.fromkeys(tracer.errors):
        print(f"shapelint: internal error while tracing (please report): {problem}", file=sys.stderr)
    if failed and fmt == "text":
        report = text.render(findings, 1, summary=False) + _failed_summary(len(findings), failed)
    else:
        rules = [rule for rule in all_rules() if rule.code.startswith("SHP5")]
        report = render(findings, fmt, rules, 1)
    if failed:
        print(
            f"shapelint: {script} failed (exit status {failed}); findings are those of the run until then",
            file=sys.stderr,
        )
    rank = _rank()
    if output is not None:
        if rank is not None:  # each rank its own report, not one file written by all
            output = output.with_name(f"{output.stem}.rank{rank}{output.suffix}")
        output.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    if failed:
        return failed
    if findings and rank is not None:
        # A worker that exits non-zero makes torchrun stop the others, losing their reports.
        print(
            f"shapelint: rank {rank}: {len(findings)} finding(s) reported; exit 0 so the other ranks finish",
            file=sys.stderr,
        )
        return 0
    return 1 if findings else 0


def _rank() -> str | None:
    """This process's rank when a launcher (torchrun) started several (`RANK` and `WORLD_SIZE` set)."""
    rank, world = os.environ.get("RANK"), os.environ.get("WORLD_SIZE")
    return rank if rank is not None and world is not None and world.isdigit() and int(world) > 1 else None


def _exit_status(exit_: SystemExit) -> int:
    """`sys.exit(n)` gives n; `sys.exit("message")` prints the message and gives 1, as Python does."""
    if exit_.code is None or isinstance(exit_.code, int):
        return exit_.code or 0
    print(exit_.code, file=sys.stderr)
    return 1


def _failed_summary(found: int, status: int) -> str:
    if not found:
        return f"No findings before the script failed (exit status {status}).\n"
    return f"Found {found} finding{'s' if found != 1 else ''} before the script failed (exit status {status}).\n"


def user_traceback(error: BaseException) -> str:
    """The traceback as the user's program alone would show it: shapelint's and runpy's frames left out
    (the outer ones that run the script, and the tracer's own around a torch call)."""
    summary = traceback.TracebackException.from_exception(error)
    frames = [frame for frame in summary.stack if not frame.filename.startswith(_OWN_FILES)]
    summary.stack = traceback.StackSummary.from_list(frames)
    return "".join(summary.format())
