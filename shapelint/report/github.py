"""GitHub Actions workflow commands, which GitHub shows as annotations on the pull request.

Escaping follows the runner's rules (actions/toolkit ``command.ts``): ``%`` first, so the
escapes it adds are not escaped again.
"""

from __future__ import annotations

from collections.abc import Sequence

from shapelint.findings import Finding


def render(findings: Sequence[Finding]) -> str:
    return "".join(format_finding(finding) + "\n" for finding in findings)


def format_finding(finding: Finding) -> str:
    properties = {
        "file": finding.path,
        "line": finding.line,
        "col": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
        "title": f"{finding.code} {finding.name}",
    }
    joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    cell = f"cell {finding.cell}: " if finding.cell is not None else ""  # annotations know no cells
    return f"::error {joined}::{escape_data(cell + finding.message)}"


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    # ':' and ',' would otherwise end the property list or the property.
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
