"""Every rule keeps the contract: unique code, matching file name, complete docs, examples that hold."""

from __future__ import annotations

import re
import sys

import pytest

from shapelint import Config, lint_source
from shapelint.catalog import all_rules
from shapelint.rule import DOC_SECTIONS
from shapelint.runtime.rules import RuntimeRule
from shapelint.static.rules import StaticRule

RULES = all_rules()
EVENT_RULES = [rule for rule in RULES if issubclass(rule, StaticRule)]


def test_codes_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes)), codes
    assert all(re.fullmatch(r"SHP\d{3}", code) for code in codes), codes


def test_names_are_unique_kebab_case_and_match_the_file() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        module_file = sys.modules[rule.__module__].__file__ or ""
        assert module_file.endswith(rule.name.replace("-", "_") + ".py"), (rule.name, module_file)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_docs_follow_the_contract(rule: type) -> None:
    docs = rule.docs()
    assert rule.summary() and not rule.summary().startswith("#")
    positions = [docs.find(section) for section in DOC_SECTIONS]
    assert all(position > 0 for position in positions), f"{rule.code} lacks a section"
    assert positions == sorted(positions), f"{rule.code}: sections out of order"
    assert rule.fix_title


@pytest.mark.parametrize(
    "rule", [*EVENT_RULES, *[r for r in RULES if issubclass(r, RuntimeRule)]], ids=lambda r: r.code
)
def test_event_rules_have_enough_examples(rule: type) -> None:
    assert len(rule.VALID) >= 2 and len(rule.INVALID) >= 2


EXAMPLES = [
    pytest.param(rule, kind, index, example, id=f"{rule.code}-{kind}-{index}")
    for rule in RULES
    if not issubclass(rule, RuntimeRule)  # those run traced: tests/test_runtime.py
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "kind", "index", "example"), EXAMPLES)
def test_examples(rule: type, kind: str, index: int, example: str) -> None:
    findings = lint_source(example.encode("utf-8"), f"example_{index}.py", Config())
    # Examples are clean of every other rule, so each shows one thing.
    if kind == "valid":
        assert findings == []
    else:
        assert [(finding.code, finding.name) for finding in findings] == [(rule.code, rule.name)]


@pytest.mark.parametrize("rule", EVENT_RULES, ids=lambda rule: rule.code)
def test_messages_name_the_axes_and_the_fix(rule: type) -> None:
    for example in rule.INVALID:
        (finding,) = [f for f in lint_source(example.encode(), "x.py", Config()) if f.code == rule.code]
        assert re.search(r"\((batch|time|feat|layers)", finding.message), finding.message
        assert re.search(r"line \d+", finding.message), finding.message
        assert re.search(r"(use|pass) `", finding.message), finding.message
