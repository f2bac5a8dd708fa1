"""How a runtime finding reads: the expression as the user wrote it, and the fix the static half
gives for the same line.

A run knows where a call happened and what it did to the axes; the source says how the user wrote
it, and the static rules know how to rewrite it. Pure Python: no torch here.
"""

from __future__ import annotations

import linecache
from dataclasses import replace
from pathlib import Path

from shapelint.config import ConfigError, Configs
from shapelint.findings import Finding
from shapelint.static.engine import lint_file
from shapelint.static.messages import short


def as_written(findings: list[Finding]) -> list[Finding]:
    """``findings`` with the expression each one is about quoted, and a static fix for its line."""
    static: dict[str, list[Finding]] = {}
    worded = []
    for finding in findings:
        if finding.path not in static:
            static[finding.path] = _static_findings(finding.path)
        worded.append(_worded(finding, static[finding.path]))
    return worded


def expression(finding: Finding) -> str | None:
    """The source text of a finding's span, when it is one line of a readable file."""
    if finding.line != finding.end_line or finding.end_column <= finding.column:
        return None
    text = linecache.getline(finding.path, finding.line)
    code = text[finding.column - 1 : finding.end_column - 1].strip()
    return code or None


def _worded(finding: Finding, static: list[Finding]) -> Finding:
    message = finding.message
    code = expression(finding)
    if code is not None and f"`{short(code)}`" not in message:
        message = f"`{short(code)}`: {message}"
    fixed = next((other for other in static if _same_call(finding, other) and other.fix is not None), None)
    if fixed is not None and finding.fix is None:
        assert fixed.fix is not None
        replacement = "; ".join(f"`{short(edit.replacement)}`" for edit in fixed.fix.edits)
        message = f"{message} (the static check {fixed.code} agrees; fix: {replacement})"
        return replace(finding, message=message, fix=fixed.fix)
    return replace(finding, message=message)


def _same_call(runtime: Finding, static: Finding) -> bool:
    """The static finding is on the runtime one's expression (or inside it, or around it)."""
    if static.line != runtime.line:
        return False
    return static.column <= runtime.end_column and runtime.column <= static.end_column


def _static_findings(path: str) -> list[Finding]:
    file = Path(path)
    if not file.is_file():
        return []
    try:
        config = Configs().for_path(file)
    except ConfigError:
        return []  # the run's own report goes on without the static half's help
    return lint_file(file, config)
