"""`--fix` and `--diff`: repairs that keep formatting, are idempotent, never touch what they must not,
and, run for real, make the buggy programs batch-independent."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, expected_findings, run_cli
from test_cli import BUGGY as CLASSIFIER

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
    assert re.search(r"Fixed 7 findings in 6 files\.", result.stderr), result.stderr
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


def test_fix_leaves_links_alone_and_keeps_the_mode(tmp_path: Path) -> None:
    """A link's target may lie outside the linted tree, and a rewrite would split hard links: both are
    reported and left as they are; a plain file keeps its mode."""
    outside, tree = tmp_path / "outside", tmp_path / "tree"
    outside.mkdir()
    tree.mkdir()
    target = outside / "real.py"
    shutil.copy(FIXTURES / "batch_first_view_buggy.py", target)
    target.chmod(0o640)
    before = target.read_text()
    link = tree / "link.py"
    link.symlink_to(target)
    hard = tree / "hard.py"
    shutil.copy(FIXTURES / "batch_first_view_buggy.py", hard)
    os.link(hard, tree / "other_name.py")
    result = run_cli("check", "--fix", str(link), str(hard))
    assert target.read_text() == before and link.is_symlink()
    assert f"{link}: not fixed: a symbolic link" in result.stderr
    assert f"{hard}: not fixed: the file has other hard links" in result.stderr
    assert (tree / "other_name.py").read_text() == hard.read_text()
    run_cli("check", "--fix", str(target))
    assert "out.reshape(out.size(0), -1)" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in outside.iterdir() if p.name.startswith(".")]  # no temporary file left behind


# A bidirectional encoder whose summary `h_n[-1]` goes to `self.fc`; the tests choose `fc` and how it is fed.
BIDIRECTIONAL_SUMMARY = """\
import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.fc = {fc}

    def forward(self, tokens):
        out, (h_n, c_n) = self.lstm(self.embedding(tokens))
        return {summary}  # the sentence's summary


if __name__ == "__main__":
    torch.manual_seed(0)
    model = Classifier(vocab_size=30, emb_dim=8, hidden_dim=10, num_classes=4)
    tokens = torch.randint(0, 30, (3, 6))
    logits = model(tokens)
    assert logits.shape == (3, 4)
    assert torch.allclose(logits[:1], model(tokens[:1]), atol=1e-6)  # each sample's output is its own
    logits.sum().backward()
    print("grad w.r.t. forward-direction weights:", model.lstm.weight_hh_l0.grad.abs().sum().item())
"""
SIZED_FOR_BOTH = "nn.Linear(2 * hidden_dim, num_classes)"


def bidirectional_summary(folder: Path, fc: str, summary: str = "self.fc(h_n[-1])") -> Path:
    path = folder / "classifier.py"
    path.write_text(BIDIRECTIONAL_SUMMARY.format(fc=fc, summary=summary))
    return path


def test_diff_joins_both_directions_where_the_layer_already_takes_them(tmp_path: Path) -> None:
    path = bidirectional_summary(tmp_path, SIZED_FOR_BOTH)
    before = path.read_bytes()
    result = run_cli("check", "--diff", str(path))
    assert result.returncode == 1
    assert "-        return self.fc(h_n[-1])  # the sentence's summary\n" in result.stdout
    assert "+        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=-1))  # the sentence's summary\n" in result.stdout
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "fc", [SIZED_FOR_BOTH, "nn.Linear(in_features=hidden_dim * 2, out_features=num_classes)", "nn.LazyLinear(4)"]
)
def test_fix_joins_both_directions_and_the_finding_is_gone(tmp_path: Path, fc: str) -> None:
    path = bidirectional_summary(tmp_path, fc)
    result = run_cli("check", "--fix", str(path))
    assert "Fixed 1 finding in 1 file." in result.stderr, result.stderr
    assert findings(tmp_path) == []
    assert "Fixed 0 findings in 0 files." in run_cli("check", "--fix", str(path)).stderr


@pytest.mark.parametrize(
    ("fc", "summary"),
    [
        ("nn.Linear(hidden_dim, num_classes)", "self.fc(h_n[-1])"),  # fc would need 2 * hidden_dim
        (SIZED_FOR_BOTH, "h_n[-1]"),  # what forward returns would change size
    ],
)
def test_a_change_of_size_stays_a_suggestion(tmp_path: Path, fc: str, summary: str) -> None:
    path = bidirectional_summary(tmp_path, fc, summary)
    before = path.read_bytes()
    result = run_cli("check", "--fix", str(path))
    assert "Fixed 0 findings in 0 files." in result.stderr, result.stderr
    assert path.read_bytes() == before
    (finding,) = findings(tmp_path)
    assert finding["code"] == "SHP203" and finding["fix"] is None
    assert "use `torch.cat([h_n[-2], h_n[-1]], dim=-1)`" in str(finding["message"])


def test_joined_directions_run_and_train_the_forward_direction(torch_python: str, tmp_path: Path) -> None:
    """Confirmed by running: the layer sized for both directions fails on one, and takes the fixed input."""
    path = bidirectional_summary(tmp_path, SIZED_FOR_BOTH)
    buggy = subprocess.run([torch_python, str(path)], capture_output=True, text=True, timeout=120)
    assert buggy.returncode != 0 and "mat1 and mat2 shapes cannot be multiplied" in buggy.stderr, buggy.stderr
    run_cli("check", "--fix", str(path))
    fixed = subprocess.run([torch_python, str(path)], capture_output=True, text=True, timeout=120)
    assert fixed.returncode == 0, fixed.stderr[-2000:]
    (gradient,) = re.findall(r"grad w\.r\.t\. forward-direction weights: ([0-9.e+-]+)", fixed.stdout)
    assert float(gradient) > 0.0


def test_a_form_feed_in_the_file_does_not_move_the_repair(tmp_path: Path) -> None:
    text = CLASSIFIER.format(suffix="").replace("import torch\n", "import torch\n# \x0c page break\n", 1)
    path = tmp_path / "model.py"
    path.write_text(text)
    run_cli("check", "--fix", str(path))
    fixed = path.read_text()
    ast.parse(fixed)
    assert ".transpose(0, 1)" in fixed and fixed.count("\n") == text.count("\n")
