"""Turn findings into the text a person, a program or a CI service reads."""

from __future__ import annotations

from collections.abc import Sequence

from shapelint.findings import Finding
from shapelint.report import github, json, sarif, text
from shapelint.rule import Rule

FORMATS = ("text", "json", "sarif", "github")


def render(findings: Sequence[Finding], fmt: str, rules: Sequence[type[Rule]], files_checked: int) -> str:
    """The whole output for ``findings`` in format ``fmt``, in the order given (the caller sorts).

    ``rules`` are the active rule classes (SARIF lists their metadata); ``files_checked``
    feeds the text summary. Non-empty output ends with a newline.
    """
    if fmt == "text":
        return text.render(findings, files_checked)
    if fmt == "json":
        return json.render(findings)
    if fmt == "sarif":
        return sarif.render(findings, rules)
    if fmt == "github":
        return github.render(findings)
    raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
