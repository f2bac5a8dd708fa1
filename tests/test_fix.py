"""`--fix` and `--diff`: repairs that keep formatting, are idempotent, never touch what they must not,
and, run for real, make the buggy programs batch-independent."""

from __future__ import annotations

import json
import re
import shutil
import stat
from pathlib import Path

import pytest
from conftest import FIXTURES, expected_findings, run_cli

FIXABLE = {"SHP101", "SHP102", "SHP103", "SHP301"}
BUGGY = sorted(FIXTURES.glob("*_buggy.py"))


@pytest.fixture
def buggy_copies(tmp_path: Path) -> Path:
    for path in BUGGY:
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def findings(folder: Path) -> list[dict[str, object]]:
    return json.loads(run_cli("check", "--format", "json", str(folder)).stdout)


def test_json_findings_carry_the_fix() -> None:
    (finding,) = json.loads(run_cli("--format", "json", str(FIXTURES / "batch_first_view_buggy.py")).stdout)
    fix = finding["fix"]
    assert fix["title"] == "Use `.reshape(...)` or `.contiguous().view(...)`"
    (edit,) = fix["edits"]
    assert edit["replacement"] == "out.reshape(out.size(0), -1)"
    assert (edit["line"], edit["column"]) == (finding["line"], finding["column"])


def test_diff_prints_and_writes_nothing(buggy_copies: Path) -> None:
    before = {path.name: path.read_bytes() for path in buggy_copies.iterdir()}
    result = run_cli("check", "--diff", str(buggy_copies))
    assert result.returncode == 1
    assert "-        x = embeds.view(len(sentence), self.batch_size , -1)  # expect: SHP101" in result.stdout
    assert "+        x = embeds.transpose(0, 1)  # expect: SHP101" in result.stdout
    assert {path.name: path.read_bytes() for path in buggy_copies.iterdir()} == before


def test_fix_repairs_exactly_the_fixable_findings_and_keeps_the_rest_of_the_text(buggy_copies: Path) -> None:
    before = {(f["path"], f["code"]) for f in findings(buggy_copies)}
    result = run_cli("check", "--fix", str(buggy_copies))
    after = {(f["path"], f["code"]) for f in findings(buggy_copies)}
    assert after == {(path, code) for path, code in before if code not in FIXABLE}
    assert re.search(r"Fixed 6 findings in 5 files\.", result.stderr), result.stderr
    for path in BUGGY:
        original, fixed = path.read_text().splitlines(), (buggy_copies / path.name).read_text().splitlines()
        assert len(original) == len(fixed)
        changed = [number for number, (a, b) in enumerate(zip(original, fixed), start=1) if a != b]
        marked = {line for line, code in expected_findings(path) if code in FIXABLE}
        assert set(changed) == marked, path.name  # only the flagged lines, comments kept


def test_fix_is_idempotent(buggy_copies: Path) -> None:
    run_cli("check", "--fix", str(buggy_copies))
    once = {path.name: path.read_bytes() for path in buggy_copies.iterdir()}
    result = run_cli("check", "--fix", str(buggy_copies))
    assert "Fixed 0 findings in 0 files." in result.stderr
    assert {path.name: path.read_bytes() for path in buggy_copies.iterdir()} == once
    assert run_cli("check", "--diff", str(buggy_copies)).returncode == 0


@pytest.mark.parametrize("name", [p.name for p in BUGGY if {c for _, c in expected_findings(p)} & FIXABLE])
def test_fixed_programs_run_and_no_longer_mix_samples(torch_python: str, buggy_copies: Path, name: str) -> None:
    """Confirmed by running: the fixed program runs clean under the tracer, and no sample leaks into another."""
    run_cli("check", "--fix", str(buggy_copies / name))
    static = run_cli("check", "--select", ",".join(sorted(FIXABLE)), str(buggy_copies / name))
    assert static.returncode == 0, static.stdout
    result = run_cli("run", name, cwd=buggy_copies)
    assert result.returncode == 0, result.stdout[-1500:] + result.stderr[-1500:]
    assert "No findings" in result.stdout
    # The programs that measure it print how much sample 0 depends on the other samples.
    for leak in re.findall(r"grad of sample 0's .* w\.r\.t\. .*: ([0-9.e-]+)", result.stdout):
        assert float(leak) == 0.0, result.stdout
    # The programs that measure it print how much sample 0 depends on the other samples.
    for leak in re.findall(r"grad of sample 0's .* w\.r\.t\. .*: ([0-9.e-]+)", result.stdout):
        assert float(leak) == 0.0, result.stdout


def test_a_file_that_does_not_parse_is_never_touched(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text((FIXTURES / "batch_first_view_buggy.py").read_text() + "\ndef broken(:\n")
    before = path.read_bytes()
    result = run_cli("check", "--fix", str(path))
    assert path.read_bytes() == before
    assert "SHP001" in result.stdout


def test_a_read_only_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    shutil.copy(FIXTURES / "batch_first_view_buggy.py", path)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    before = path.read_bytes()
    result = run_cli("check", "--fix", str(path))
    assert path.read_bytes() == before
    assert f"{path}: not fixed: the file is read-only" in result.stderr
    assert result.returncode == 1 and "SHP103" in result.stdout


def test_fix_writes_through_a_link_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    shutil.copy(FIXTURES / "batch_first_view_buggy.py", target)
    target.chmod(0o640)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    run_cli("check", "--fix", str(link))
    assert link.is_symlink() and "out.reshape(out.size(0), -1)" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind
