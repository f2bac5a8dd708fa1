"""SARIF 2.1.0 output in the shape GitHub code scanning accepts for upload.

See https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
for the fields GitHub reads and its limits (25,000 results per run).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from importlib import metadata
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from shapelint.findings import Finding
from shapelint.rule import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "shapelint"
INFORMATION_URI = "https://github.com/shapelint/shapelint"
MAX_RESULTS = 25_000  # GitHub rejects runs with more results than this.
MAX_DESCRIPTION = 1000  # GitHub truncates or rejects longer fullDescription texts.
SRCROOT = "%SRCROOT%"
# Characters kept as-is in relative URIs: unreserved ones (always kept by quote), '/' and sub-delims.
# ':' is escaped so that a first segment like "a:b.py" is not read as a URI scheme.
URI_SAFE = "/!$&'()*+,;=@"

SarifObject = dict[str, Any]


def render(findings: Sequence[Finding], rules: Sequence[type[Rule]]) -> str:
    return json.dumps(build_log(findings, rules), indent=2) + "\n"


def build_log(findings: Sequence[Finding], rules: Sequence[type[Rule]], max_results: int = MAX_RESULTS) -> SarifObject:
    """The SARIF log as a dict; ``max_results`` is a parameter so tests can exercise the cap cheaply."""
    descriptors = rule_descriptors(findings, rules)
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    results = build_results(findings, index)
    run: SarifObject = {
        "tool": {"driver": driver(descriptors)},
        "results": results[:max_results],
    }
    dropped = len(results) - max_results
    if dropped > 0:
        add_truncation_note(run, dropped, len(results), max_results)
    return {"$schema": SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def driver(descriptors: list[SarifObject]) -> SarifObject:
    return {"name": TOOL_NAME, "informationUri": INFORMATION_URI, "version": tool_version(), "rules": descriptors}


def tool_version() -> str:
    try:
        return metadata.version(TOOL_NAME)
    except metadata.PackageNotFoundError:  # Running from a source checkout.
        return "0"


def level_for(code: str) -> str:
    # SHP0xx are file errors (unreadable or unparsable files), everything else a lint warning.
    return "error" if code.startswith("SHP0") else "warning"


def rule_descriptors(findings: Sequence[Finding], rules: Sequence[type[Rule]]) -> list[SarifObject]:
    """One descriptor per active rule, plus one per code that only the findings mention.

    Every result needs a descriptor for its ``ruleIndex``; a finding's code can be missing
    from ``rules`` (file errors, runtime checks), so it gets a minimal one from the finding.
    """
    descriptors: dict[str, SarifObject] = {}
    for rule in rules:
        descriptors.setdefault(rule.code, rule_descriptor(rule))
    for finding in findings:
        descriptors.setdefault(finding.code, bare_descriptor(finding.code, finding.name))
    return list(descriptors.values())


def rule_descriptor(rule: type[Rule]) -> SarifObject:
    summary = rule.summary() or rule.name  # GitHub wants non-empty description texts.
    docs = rule.docs() or summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": truncate(summary, MAX_DESCRIPTION)},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": level_for(rule.code)},
    }


def bare_descriptor(code: str, name: str) -> SarifObject:
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": name},
        "fullDescription": {"text": truncate(name, MAX_DESCRIPTION)},
        "defaultConfiguration": {"level": level_for(code)},
    }


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def build_results(findings: Sequence[Finding], index: dict[str, int]) -> list[SarifObject]:
    seen: Counter[str] = Counter()
    results = []
    for finding in findings:
        line_hash = location_hash(finding)
        # Identical findings in one file share a hash; GitHub's own convention appends ":n" to tell them apart.
        seen[line_hash] += 1
        results.append(result(finding, index[finding.code], f"{line_hash}:{seen[line_hash]}"))
    return results


def location_hash(finding: Finding) -> str:
    # No line number in the hash, so an alert keeps its identity when code above it moves.
    key = "\0".join((finding.code, posix_path(finding.path), finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def result(finding: Finding, rule_index: int, fingerprint: str) -> SarifObject:
    found: SarifObject = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level_for(finding.code),
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": artifact_location(finding.path), "region": region(finding)}}
        ],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
    }
    if finding.cell is not None:
        # SARIF has no notebook cells: the region's lines are the cell's, and the cell is said here.
        found["message"] = {"text": f"cell {finding.cell}: {finding.message}"}
        found["properties"] = {"cell": finding.cell}
    elif finding.fix is not None:
        found["fixes"] = [fix(finding)]
    return found


def fix(finding: Finding) -> SarifObject:
    """The repair ``--fix`` would make, as SARIF 2.1.0 writes one (a replacement per edit)."""
    assert finding.fix is not None
    replacements = [
        {
            "deletedRegion": region(
                Finding(finding.path, e.line, e.column, finding.code, finding.name, "", e.end_line, e.end_column)
            ),
            "insertedContent": {"text": e.replacement},
        }
        for e in finding.fix.edits
    ]
    return {
        "description": {"text": finding.fix.title},
        "artifactChanges": [{"artifactLocation": artifact_location(finding.path), "replacements": replacements}],
    }


def posix_path(path: str) -> str:
    return path.replace("\\", "/")


def artifact_location(path: str) -> SarifObject:
    """A URI for ``path``: relative paths stay relative to the checkout (``%SRCROOT%``)."""
    windows = PureWindowsPath(path)
    if windows.drive and windows.is_absolute():
        return {"uri": windows.as_uri()}
    posix = PurePosixPath(posix_path(path))
    if posix.is_absolute():
        return {"uri": posix.as_uri()}
    return {"uri": quote(posix_path(path), safe=URI_SAFE), "uriBaseId": SRCROOT}


def region(finding: Finding) -> SarifObject:
    # SARIF requires 1-based positions and an end not before the start; an invalid region
    # makes GitHub reject the whole upload, so clamp rather than trust every rule.
    start_line = max(1, finding.line)
    start_column = max(1, finding.column)
    end_line = max(start_line, finding.end_line)
    end_column = max(1, finding.end_column)
    if end_line == start_line:
        end_column = max(start_column, end_column)
    return {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}


def add_truncation_note(run: SarifObject, dropped: int, total: int, max_results: int) -> None:
    text = f"{dropped} of {total} results were dropped: GitHub code scanning accepts at most {max_results} per run."
    run["invocations"] = [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [{"level": "warning", "message": {"text": text}}],
        }
    ]
    run["properties"] = {"droppedResults": dropped, "totalResults": total}
