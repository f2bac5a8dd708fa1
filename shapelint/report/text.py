"""Human-readable output: one ``path:line:col: CODE message`` line per finding and a summary.

``full`` adds the line of code under each finding with a marker under the flagged part (as ruff's
`full` format); ``fixable`` marks with ``[*]`` what `--fix` repairs (as ruff does).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from shapelint.findings import Finding


def render(
    findings: Sequence[Finding], files_checked: int, full: bool = False, fixable: bool = False, summary: bool = True
) -> str:
    lines: list[str] = []
    for finding in findings:
        lines.append(format_finding(finding, fixable))
        if full:
            lines.extend(_code_lines(finding))
    if summary:
        lines.append(summary_line(findings, files_checked))
        fixes = sum(1 for finding in findings if finding.fix is not None)
        if fixable and fixes:
            lines.append(f"[*] {plural(fixes, 'finding')} fixable with the --fix option.")
    return "\n".join(lines) + "\n" if lines else ""


def format_finding(finding: Finding, fixable: bool = False) -> str:
    # The same shape as compilers and ruff, so editors and terminals make it clickable.
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    mark = "[*] " if fixable and finding.fix is not None else ""
    return f"{finding.path}:{cell}{finding.line}:{finding.column}: {finding.code} {mark}{finding.message}"


def _code_lines(finding: Finding) -> list[str]:
    """The flagged line, numbered, with ``^`` under the flagged part (its first line only)."""
    lines = _file_lines(finding.path) if finding.cell is None else ()
    if not 0 < finding.line <= len(lines):
        return []
    code = lines[finding.line - 1]
    end = finding.end_column if finding.end_line == finding.line else len(code) + 1
    width = len(str(finding.line))
    marker = " " * (finding.column - 1) + "^" * max(1, end - finding.column)
    return [f"  {finding.line} | {code}", f"  {' ' * width} | {marker}"]


@functools.lru_cache(maxsize=16)
def _file_lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(Path(path).read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def summary_line(findings: Sequence[Finding], files_checked: int) -> str:
    if not findings:
        return f"No findings in {plural(files_checked, 'checked file')}."
    files_with_findings = len({finding.path for finding in findings})
    return (
        f"Found {plural(len(findings), 'finding')} in {plural(files_with_findings, 'file')}"
        f" ({plural(files_checked, 'file')} checked)."
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
