"""The bundled programs: buggy ones are flagged exactly where marked, fixed ones not at all, and all of them run."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, NEGATIVES, ROOT, expected_findings, run_cli

BUGGY = sorted(FIXTURES.glob("*_buggy.py"))
FIXED = sorted(FIXTURES.glob("*_fixed.py"))
NEGATIVE_FILES = sorted(NEGATIVES.glob("*.py"))


def test_every_buggy_program_has_a_fixed_twin() -> None:
    assert BUGGY, "no fixtures found"
    assert {p.name.replace("_buggy", "") for p in BUGGY} == {p.name.replace("_fixed", "") for p in FIXED}


def test_cli_on_fixtures_reports_exactly_the_marked_lines() -> None:
    result = run_cli("check", "fixtures", "--format", "json")
    assert result.returncode == 1, result.stderr
    reported = {(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)}
    programs = sorted(FIXTURES.rglob("*.py"))  # the runtime programs too: both halves see their bugs
    expected = {(str(p.relative_to(ROOT)), line, code) for p in programs for line, code in expected_findings(p)}
    assert reported == expected


def test_the_seed_answers_own_mistakes_are_in_the_fixtures() -> None:
    seed = (FIXTURES / "seed_context_window_buggy.py").read_text(encoding="utf-8")
    assert "embeds.view(embeds.size(0), embeds.size(1), -1)" in seed
    assert "batch_first=False" in seed
    assert {code for _, code in expected_findings(FIXTURES / "seed_context_window_buggy.py")} == {"SHP103", "SHP301"}


@pytest.mark.parametrize("path", FIXED, ids=lambda p: p.name)
def test_fixed_programs_are_clean(path: Path) -> None:
    result = run_cli("check", str(path.relative_to(ROOT)))
    assert result.returncode == 0, result.stdout
    assert expected_findings(path) == set()


def test_at_least_thirty_negative_cases() -> None:
    assert len(NEGATIVE_FILES) >= 30


def test_negative_cases_produce_no_finding() -> None:
    result = run_cli("check", "tests/negatives")
    assert result.returncode == 0, result.stdout
    assert f"No findings in {len(NEGATIVE_FILES)} checked files." in result.stdout


# The programs run in the test's own process (torch imported once, not once per program, which is most of
# a run); `shapelint run` itself is run as a command on a program in test_runtime.py.


@pytest.mark.parametrize("path", FIXED + NEGATIVE_FILES, ids=lambda p: p.name)
def test_correct_programs_run_clean_under_the_tracer(
    torch_python: str, path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each correct program runs to the end, and the runtime half finds nothing in it either."""
    from shapelint.runtime.script import run_script

    monkeypatch.chdir(ROOT)
    status = run_script(path.relative_to(ROOT), [], "text")
    out, err = capsys.readouterr()
    assert status == 0, out[-2000:] + err[-2000:]
    assert "No findings" in out


@pytest.mark.parametrize("path", BUGGY, ids=lambda p: p.name)
def test_buggy_programs_fail_as_predicted(
    torch_python: str, path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view on a non-contiguous tensor crashes; every other bug runs silently."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", [str(path)])
    monkeypatch.syspath_prepend(str(path.parent))
    codes = {code for _, code in expected_findings(path)}
    if "SHP103" in codes:
        with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's size and stride"):
            runpy.run_path(str(path), run_name="__main__")
    else:
        runpy.run_path(str(path), run_name="__main__")


def test_message_names_the_axes_their_origin_and_the_fix() -> None:
    path = FIXTURES / "view_transpose_buggy.py"
    declared_on = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if '"batch seq"' in line)
    (finding,) = json.loads(run_cli("check", str(path.relative_to(ROOT)), "--format", "json").stdout)
    assert "re-cuts `embeds` (batch, time, feat) into (time, batch, -1)" in finding["message"]
    assert f'the embedding of `tokens` declared "batch seq" at line {declared_on}' in finding["message"]
    assert "use `embeds.transpose(0, 1)`" in finding["message"]


def test_readme_shows_the_message_as_shapelint_prints_it() -> None:
    printed = run_cli("check", "fixtures/view_transpose_buggy.py").stdout.splitlines()[0]
    assert printed in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
