"""Verify's report: a table (model x check x device) for people, JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from shapelint.verify.outcome import AUTOFIXED, BUGGY, FIXED, CheckCell, DeviceRun, Row

SHORT = {
    "batch independence": "batch",
    "padding invariance": "padding",
    "reference equivalence": "alone",
    "parameter use": "params",
    "device agreement": "agree",
}
_MARK = {"pass": "pass", "fail": "FAIL", "raises": "raises", "n/a": "n/a"}


def render_text(rows: Sequence[Row], devices: Sequence[str]) -> str:
    """The table, then each row that breaks the contract with why, then the verdict."""
    columns = {device: _check_names(rows, device) for device in devices}
    header = ["family", "variant", "sizes", "static"]
    for device in devices:
        header += [f"{device}: runtime", *columns[device]]
    table = [header] + [_cells(row, columns) for row in rows]
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines += ["", *_legend(), "", *_by_kind(rows)]
    failing = [row for row in rows if row.problems]
    for row in failing:
        lines.append(f"NOT AS EXPECTED: {row.variant} ({row.kind}, {row.sizes}): {'; '.join(row.problems)}")
    lines.append(_verdict(rows, failing))
    return "\n".join(lines) + "\n"


def render_json(rows: Sequence[Row], devices: Sequence[str]) -> str:
    document = {
        "devices": list(devices),
        "passed": not any(row.problems for row in rows),
        "rows": [{**asdict(row), "sizes": asdict(row.sizes), "problems": list(row.problems)} for row in rows],
    }
    return json.dumps(document, indent=2) + "\n"


def _check_names(rows: Sequence[Row], device: str) -> list[str]:
    names: list[str] = []
    for row in rows:
        for run in row.runs:
            if run.device == device:
                names += [SHORT[name] for name, _ in run.checks if SHORT[name] not in names]
    return names or [SHORT[name] for name in list(SHORT)[:4]]


def _cells(row: Row, columns: dict[str, list[str]]) -> list[str]:
    cells = [row.family, f"{row.kind}: {row.variant}", str(row.sizes), ", ".join(row.static) or "clean"]
    for device, names in columns.items():
        run = next((run for run in row.runs if run.device == device), None)
        cells += _device_cells(run, row, names)
    return cells


def _device_cells(run: DeviceRun | None, row: Row, names: Sequence[str]) -> list[str]:
    blank = ["" for _ in names]
    if run is None:
        return ["not run: no complete fix" if row.note else "-", *blank]
    if run.skipped is not None:
        return [f"skipped ({run.skipped})", *blank]
    runtime = f"raises {run.raised.split(':')[0]}" if run.raised else ", ".join(run.runtime) or "clean"
    by_short: dict[str, CheckCell] = {SHORT[name]: cell for name, cell in run.checks}
    return [runtime, *(_MARK[by_short[name].status] if name in by_short else "-" for name in names)]


def _by_kind(rows: Sequence[Row]) -> list[str]:
    """Per family, one column per kind of variant: buggy, hand-fixed, autofixed."""
    table = [["family", BUGGY, FIXED, AUTOFIXED]]
    for family in dict.fromkeys(row.family for row in rows):
        line = [family]
        for kind in (BUGGY, FIXED, AUTOFIXED):
            mine = [row for row in rows if row.family == family and row.kind == kind]
            line.append(_kind_cell(kind, mine))
        table.append(line)
    widths = [max(len(line[column]) for line in table) for column in range(4)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in table]


def _kind_cell(kind: str, rows: Sequence[Row]) -> str:
    if not rows:
        return "-"
    ran = [row for row in rows if row.note is None]
    unrun = [row for row in rows if row.note is not None]
    parts = []
    if ran:
        good = sum(not row.problems for row in ran)
        verdict = "caught" if kind == BUGGY else "clean"
        parts.append(
            f"{verdict} {good}/{len(ran)}" if good == len(ran) else f"NOT AS EXPECTED {len(ran) - good}/{len(ran)}"
        )
    if unrun:
        codes = sorted({code for row in unrun for code in row.static})
        parts.append(f"suggestion only ({', '.join(codes)})")
    return "; ".join(parts)


def _legend() -> list[str]:
    return [
        "checks: batch = batch independence, padding = padding invariance, alone = reference equivalence "
        "(batched vs each sample alone), params = parameter use, agree = device agreement with the cpu",
        "a buggy variant must be flagged by both halves and fail a check; a fixed or autofixed one must be "
        "clean and pass every check",
    ]


def _verdict(rows: Sequence[Row], failing: Sequence[Row]) -> str:
    variants = len({row.variant for row in rows})
    ran = sorted({run.device for row in rows for run in row.runs if run.skipped is None})
    skipped = sorted({f"{run.device} ({run.skipped})" for row in rows for run in row.runs if run.skipped})
    where = f"on {', '.join(ran) or 'no device'}" + (f"; skipped {', '.join(skipped)}" if skipped else "")
    if failing:
        return f"verify: FAILED, {len(failing)} of {len(rows)} rows not as expected ({variants} variants {where})"
    return f"verify: passed, {len(rows)} rows as expected ({variants} variants {where})"
