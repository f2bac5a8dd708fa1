"""Human-readable output: one ``path:line:col: CODE message`` line per finding and a summary."""

from __future__ import annotations

from collections.abc import Sequence

from shapelint.findings import Finding


def render(findings: Sequence[Finding], files_checked: int) -> str:
    lines = [format_finding(finding) for finding in findings]
    lines.append(summary(findings, files_checked))
    return "\n".join(lines) + "\n"


def format_finding(finding: Finding) -> str:
    # The same shape as compilers and ruff, so editors and terminals make it clickable.
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{finding.path}:{cell}{finding.line}:{finding.column}: {finding.code} {finding.message}"


def summary(findings: Sequence[Finding], files_checked: int) -> str:
    if not findings:
        return f"No findings in {plural(files_checked, 'checked file')}."
    files_with_findings = len({finding.path for finding in findings})
    return (
        f"Found {plural(len(findings), 'finding')} in {plural(files_with_findings, 'file')}"
        f" ({plural(files_checked, 'file')} checked)."
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
