"""Reporters: exact text, JSON round-trip, SARIF that GitHub accepts, GitHub annotation escaping."""

from __future__ import annotations

import dataclasses
import json
from importlib import metadata
from typing import Any

import pytest

from shapelint.findings import JSON_FIELDS, Edit, Finding, Fix
from shapelint.report import FORMATS, render
from shapelint.report import sarif as sarif_report
from shapelint.rule import Rule


class ViewRule(Rule):
    """Use ``transpose`` to swap axes, not ``view``.

    ## What it does
    Flags ``view`` calls that reorder axes.
    """

    code = "SHP101"
    name = "view-as-transpose"
    fix_title = "Use transpose"


class ParseRule(Rule):
    """The file could not be parsed."""

    code = "SHP001"
    name = "syntax-error"
    fix_title = ""


class VerboseRule(Rule):
    # A summary line far past GitHub's fullDescription limit.
    __doc__ = "x" * 1500
    code = "SHP201"
    name = "verbose"
    fix_title = ""


RULES: tuple[type[Rule], ...] = (ParseRule, ViewRule)


def finding(
    path: str = "model.py",
    line: int = 3,
    column: int = 5,
    code: str = "SHP101",
    name: str = "view-as-transpose",
    message: str = "`view` swaps axes 1 and 2",
) -> Finding:
    return Finding(path, line, column, code, name, message, end_line=line, end_column=column + 10)


def sarif(findings: list[Finding], rules: tuple[type[Rule], ...] = RULES) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render(findings, "sarif", rules, files_checked=1))
    return data


# --- dispatch -------------------------------------------------------------------------------


def test_formats_are_the_documented_ones() -> None:
    assert FORMATS == ("text", "json", "sarif", "github")


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="xml"):
        render([], "xml", RULES, files_checked=0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_nonempty_output_ends_with_newline(fmt: str) -> None:
    assert render([finding()], fmt, RULES, files_checked=1).endswith("\n")


# --- text -----------------------------------------------------------------------------------


def test_text_lines_in_given_order_and_summary_counts() -> None:
    # Deliberately unsorted: the reporter must not reorder.
    findings = [finding("b.py", 9, 1), finding("a.py", 2, 7, "SHP001", "syntax-error", "bad"), finding("b.py", 1, 3)]
    assert render(findings, "text", RULES, files_checked=5).splitlines() == [
        "b.py:9:1: SHP101 `view` swaps axes 1 and 2",
        "a.py:2:7: SHP001 bad",
        "b.py:1:3: SHP101 `view` swaps axes 1 and 2",
        "Found 3 findings in 2 files (5 files checked).",
    ]


def test_text_summary_singular() -> None:
    output = render([finding()], "text", RULES, files_checked=1)
    assert output == "model.py:3:5: SHP101 `view` swaps axes 1 and 2\nFound 1 finding in 1 file (1 file checked).\n"


@pytest.mark.parametrize(
    ("files_checked", "expected"),
    [
        (0, "No findings in 0 checked files.\n"),
        (1, "No findings in 1 checked file.\n"),
        (4, "No findings in 4 checked files.\n"),
    ],
)
def test_text_without_findings(files_checked: int, expected: str) -> None:
    assert render([], "text", RULES, files_checked=files_checked) == expected


# --- json -----------------------------------------------------------------------------------


def test_json_round_trips_with_documented_keys() -> None:
    findings = [finding("b.py", 9, 1), finding("a.py", 2, 7, "SHP001", "syntax-error", 'say "hi"\n')]
    output = render(findings, "json", RULES, files_checked=2)
    loaded = json.loads(output)
    assert loaded == [f.as_dict() for f in findings]
    assert [list(item) for item in loaded] == [list(JSON_FIELDS)] * 2
    assert loaded[0]["fix"] is None
    assert '\n  {\n    "code": "SHP101",' in output  # indent=2


def test_json_without_findings() -> None:
    assert render([], "json", RULES, files_checked=3) == "[]\n"


# --- sarif ----------------------------------------------------------------------------------


def test_sarif_top_level_and_driver() -> None:
    log = sarif([finding()])
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "shapelint"
    assert driver["informationUri"].startswith("https://")
    assert isinstance(driver["version"], str) and driver["version"]


def test_sarif_version_falls_back_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert sarif([])["runs"][0]["tool"]["driver"]["version"] == "0"


def test_sarif_rule_metadata() -> None:
    rules = sarif([])["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["SHP001", "SHP101"]
    view = rules[1]
    assert view["name"] == "view-as-transpose"
    assert view["shortDescription"] == {"text": "Use ``transpose`` to swap axes, not ``view``."}
    assert view["fullDescription"] == {"text": "Use ``transpose`` to swap axes, not ``view``."}
    assert view["help"] == {"text": ViewRule.docs(), "markdown": ViewRule.docs()}
    assert "## What it does" in view["help"]["markdown"]
    assert view["defaultConfiguration"] == {"level": "warning"}
    assert rules[0]["defaultConfiguration"] == {"level": "error"}  # SHP0xx: file errors


def test_sarif_full_description_is_capped() -> None:
    (rule,) = sarif([], (VerboseRule,))["runs"][0]["tool"]["driver"]["rules"]
    assert len(rule["shortDescription"]["text"]) == 1500
    assert len(rule["fullDescription"]["text"]) <= 1000


def test_sarif_result_fields_and_rule_index() -> None:
    log = sarif([finding("pkg\\model.py", 4, 2, message="m"), finding(code="SHP001", name="syntax-error")])
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    first, second = run["results"]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"] == "SHP101"
    assert rules[second["ruleIndex"]]["id"] == second["ruleId"] == "SHP001"
    assert (first["level"], second["level"]) == ("warning", "error")
    assert first["message"] == {"text": "m"}
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "pkg/model.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 4, "startColumn": 2, "endLine": 4, "endColumn": 12}


def test_sarif_absolute_path_has_no_base() -> None:
    location = sarif([finding("/src/model.py")])["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///src/model.py"}


def test_sarif_adds_rules_only_seen_in_findings() -> None:
    log = sarif([finding(code="SHP900", name="runtime-mismatch"), finding()], (ViewRule,))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["SHP101", "SHP900"]
    assert rules[1]["name"] == "runtime-mismatch"
    assert [rules[result["ruleIndex"]]["id"] for result in run["results"]] == ["SHP900", "SHP101"]


def fingerprint(item: Finding) -> str:
    value: str = sarif([item])["runs"][0]["results"][0]["partialFingerprints"]["primaryLocationLineHash"]
    return value


def test_sarif_fingerprint_survives_moved_lines_only() -> None:
    original = fingerprint(finding(line=3))
    assert fingerprint(finding(line=40, column=9)) == original
    assert fingerprint(finding(line=3, message="other")) != original
    assert fingerprint(finding(path="other.py")) != original
    assert fingerprint(finding(code="SHP102")) != original


def test_sarif_identical_findings_get_distinct_fingerprints() -> None:
    results = sarif([finding(line=1), finding(line=8)])["runs"][0]["results"]
    first, second = (result["partialFingerprints"]["primaryLocationLineHash"] for result in results)
    assert first != second
    assert first.rsplit(":", 1)[0] == second.rsplit(":", 1)[0]


def test_sarif_default_cap_is_githubs_limit() -> None:
    assert sarif_report.MAX_RESULTS == 25_000


def test_sarif_results_beyond_cap_are_dropped_with_note() -> None:
    # A small cap keeps this cheap; the cap's value is checked above.
    findings = [finding(line=line) for line in range(1, 6)]
    run = sarif_report.build_log(findings, RULES, max_results=3)["runs"][0]
    assert [result["locations"][0]["physicalLocation"]["region"]["startLine"] for result in run["results"]] == [1, 2, 3]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert "2 of 5 results were dropped" in note["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["properties"] == {"droppedResults": 2, "totalResults": 5}


def test_sarif_no_note_at_cap() -> None:
    run = sarif_report.build_log([finding(), finding(line=9)], RULES, max_results=2)["runs"][0]
    assert len(run["results"]) == 2
    assert "invocations" not in run and "properties" not in run


# --- github ---------------------------------------------------------------------------------


def test_github_command_line() -> None:
    assert render([finding()], "github", RULES, files_checked=1) == (
        "::error file=model.py,line=3,col=5,endLine=3,endColumn=15,title=SHP101 view-as-transpose"
        "::`view` swaps axes 1 and 2\n"
    )


def test_github_escapes_message_data() -> None:
    output = render([finding(message="100%: a,b\r\nnext")], "github", RULES, files_checked=1)
    # '%' is escaped first so its own escapes are not escaped again; ':' and ',' stay in data.
    assert output.endswith("::100%25: a,b%0D%0Anext\n")
    assert output.count("\n") == 1


def test_github_escapes_property_values() -> None:
    output = render([finding(path="C:\\a,b%\n.py", name="x:y,z")], "github", RULES, files_checked=1)
    assert output.startswith("::error file=C%3A\\a%2Cb%25%0A.py,line=3,")
    assert ",title=SHP101 x%3Ay%2Cz::" in output


def test_github_without_findings() -> None:
    assert render([], "github", RULES, files_checked=2) == ""


def test_sarif_carries_the_fix_as_replacements() -> None:
    repair = Fix("Use `transpose`", (Edit(4, 2, 4, 30, "embeds.transpose(0, 1)"),))
    fixed = dataclasses.replace(finding("model.py", 4, 2), fix=repair)
    first, second = sarif([fixed, finding("other.py", 7, 1)])["runs"][0]["results"]
    (change,) = first["fixes"]
    assert change["description"] == {"text": "Use `transpose`"}
    (artifact,) = change["artifactChanges"]
    assert artifact["artifactLocation"]["uri"] == "model.py"
    assert artifact["replacements"] == [
        {
            "deletedRegion": {"startLine": 4, "startColumn": 2, "endLine": 4, "endColumn": 30},
            "insertedContent": {"text": "embeds.transpose(0, 1)"},
        }
    ]
    assert "fixes" not in second
