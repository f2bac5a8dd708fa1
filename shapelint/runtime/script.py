"""`shapelint run script.py [args...]`: run a program as `__main__` under the tracer, then report."""

from __future__ import annotations

import runpy
import sys
import traceback
from pathlib import Path

from shapelint.catalog import all_rules
from shapelint.report import render
from shapelint.runtime.tracer import trace


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
        failed = exit_.code if isinstance(exit_.code, int) else (1 if exit_.code else 0)
    except BaseException:  # the script's own error: its traceback, then what was found until then
        traceback.print_exc()
        failed = 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    findings = tracer.findings
    for error in dict.fromkeys(tracer.errors):
        print(f"shapelint: internal error while tracing (please report): {error}", file=sys.stderr)
    rules = [rule for rule in all_rules() if rule.code.startswith("SHP5")]
    report = render(findings, fmt, rules, 1)
    if output is not None:
        output.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    if failed:
        return failed
    return 1 if findings else 0
