"""The command line as users drive it: exit codes, formats, selection, suppression, config and bad input."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

BUGGY = textwrap.dedent(
    """\
    import torch
    from torch import nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(8, 16)

        def forward(self, x, batch_size):
            out, _ = self.lstm(x)
            return out.view(batch_size, -1){suffix}
    """
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_run_exits_zero(tmp_path: Path) -> None:
    write(tmp_path, "ok.py", "import torch\nx = torch.zeros(2, 3).view(3, 2)\n")
    result = run_cli(str(tmp_path))
    assert result.returncode == 0
    assert "No findings in 1 checked file." in result.stdout


def test_findings_exit_one_with_path_line_column_code(tmp_path: Path) -> None:
    path = write(tmp_path, "model.py", BUGGY.format(suffix=""))
    result = run_cli("check", str(path))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:11:16: SHP102 `out.view(batch_size, -1)` flattens time-major `out`")
    assert "line 10" in first and "`out.transpose(0, 1).reshape(batch_size, -1)`" in first
    assert result.stdout.splitlines()[-1] == "Found 1 finding in 1 file (1 file checked)."


def test_check_is_the_default_command_and_module_entry_point_works(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    assert run_cli(str(tmp_path)).returncode == 1
    assert run_cli("--format", "json", str(tmp_path)).returncode == 1


def test_exit_zero(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    result = run_cli("--exit-zero", str(tmp_path))
    assert result.returncode == 0 and "SHP102" in result.stdout


@pytest.mark.parametrize(
    ("suffix", "flagged"),
    [("  # noqa", False), ("  # noqa: SHP102", False), ("  # noqa: SHP101, shp102", False), ("  # noqa: SHP101", True)],
)
def test_noqa(tmp_path: Path, suffix: str, flagged: bool) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=suffix))
    assert ("SHP102" in run_cli(str(tmp_path)).stdout) is flagged


def test_select_and_ignore(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    assert run_cli("--select", "SHP101", str(tmp_path)).returncode == 0
    assert run_cli("--select", "SHP1", str(tmp_path)).returncode == 1
    assert run_cli("--ignore", "shp102", str(tmp_path)).returncode == 0


def test_json_fields(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    (finding,) = json.loads(run_cli("--format", "json", str(tmp_path)).stdout)
    assert list(finding) == [
        *("code", "name", "message", "path", "cell", "line", "column", "end_line", "end_column", "fix")
    ]
    assert finding["cell"] is None
    assert (finding["code"], finding["name"], finding["line"], finding["column"]) == (
        "SHP102",
        "flatten-time-major",
        11,
        16,
    )
    assert (finding["end_line"], finding["end_column"]) == (11, 40)
    assert finding["fix"]["edits"][0]["replacement"] == "out.transpose(0, 1).reshape(batch_size, -1)"


def test_sarif_and_github_formats(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    log = json.loads(run_cli("--format", "sarif", str(tmp_path)).stdout)
    result = log["runs"][0]["results"][0]
    assert log["version"] == "2.1.0" and result["ruleId"] == "SHP102"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    annotations = run_cli("--format", "github", str(tmp_path)).stdout
    assert annotations.startswith("::error file=") and ",line=11,col=16," in annotations


def test_config_in_pyproject_is_found_upward(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.shapelint]\nignore = ["SHP102"]\nexclude = ["generated"]\n')
    write(tmp_path, "src/model.py", BUGGY.format(suffix=""))
    write(tmp_path, "generated/model.py", "x = torch.zeros(2).view(1, 2\n")
    result = run_cli(".", cwd=tmp_path / "src")
    assert result.returncode == 0, result.stdout
    result = run_cli("..", cwd=tmp_path / "src")
    assert result.returncode == 0 and "1 checked file" in result.stdout


def test_conventions_extend_from_config(tmp_path: Path) -> None:
    model = BUGGY.format(suffix="").replace("batch_size", "n_sentences")
    write(tmp_path, "model.py", model)
    assert run_cli(".", cwd=tmp_path).returncode == 0
    write(tmp_path, "pyproject.toml", '[tool.shapelint]\nbatch-names = ["n_sentences"]\n')
    assert run_cli(".", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_an_unknown_code_on_the_command_line_is_an_error(tmp_path: Path, option: str) -> None:
    """As in ruff: exit 2 and the `check` usage, not a selection of nothing."""
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    result = run_cli("check", option, "SHP101,SHP999", str(tmp_path))
    assert result.returncode == 2
    assert "usage: shapelint check" in result.stderr
    assert "unknown rule code(s) SHP999" in result.stderr and "Traceback" not in result.stderr


def test_all_selects_every_rule(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    assert run_cli("--select", "ALL", str(tmp_path)).returncode == 1
    assert run_cli("--select", "ALL", "--ignore", "SHP1", str(tmp_path)).returncode == 0


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("[tool.shapelint\n", "not valid TOML"),
        ('[tool.shapelint]\nselekt = ["SHP1"]\n', "unknown key(s) in [tool.shapelint]: selekt"),
        ('[tool.shapelint]\nselect = "SHP1"\n', "select must be a list of strings"),
        ('[tool.shapelint]\nselect = ["SHP9"]\n', "pyproject.toml: [tool.shapelint] select: unknown rule code(s) SHP9"),
        ('[tool.shapelint]\nignore = ["shp1", "X1"]\n', "[tool.shapelint] ignore: unknown rule code(s) X1"),
    ],
)
def test_broken_config_is_a_clear_error(tmp_path: Path, config: str, words: str) -> None:
    write(tmp_path, "pyproject.toml", config)
    write(tmp_path, "model.py", "x = 1\n")
    result = run_cli(".", cwd=tmp_path)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr


def test_bad_files_become_findings_and_the_run_goes_on(tmp_path: Path) -> None:
    write(tmp_path, "a_syntax.py", "def forward(self, x:\n    return x.t().view(-1)\n")
    (tmp_path / "b_bytes.py").write_bytes(b"x = 1\n# caf\xe9 view\n")
    (tmp_path / "c_link.py").symlink_to(tmp_path / "gone.py")
    write(tmp_path, "d_model.py", BUGGY.format(suffix=""))
    result = run_cli(str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert any("a_syntax.py:1:" in line and "SHP001" in line for line in lines), lines
    assert any("b_bytes.py:2:6: SHP002 byte 0xe9 is not valid utf-8" in line for line in lines), lines
    assert any("c_link.py:1:1: SHP003 cannot read the file" in line for line in lines), lines
    assert any("d_model.py:11:16: SHP102" in line for line in lines), lines


def test_missing_path_is_an_error_but_other_paths_are_checked(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    result = run_cli(str(tmp_path / "nowhere"), str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path / 'nowhere'}: no such file or folder" in result.stderr
    assert "SHP102" in result.stdout


def test_skipped_folders(tmp_path: Path) -> None:
    for folder in (".git", ".venv", "build", "dist", "__pycache__", "pkg.egg-info"):
        write(tmp_path, f"{folder}/model.py", BUGGY.format(suffix=""))
    assert run_cli(str(tmp_path)).returncode == 0


def test_file_is_never_modified(tmp_path: Path) -> None:
    path = write(tmp_path, "model.py", BUGGY.format(suffix=""))
    before = path.read_bytes(), os.stat(path).st_mtime_ns
    run_cli(str(path))
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_standard_input_is_checked_under_the_name_given() -> None:
    result = run_cli("check", "-", "--stdin-filename", "src/model.py", stdin=BUGGY.format(suffix=""))
    assert result.returncode == 1
    assert result.stdout.startswith("src/model.py:11:16: SHP102 `out.view(batch_size, -1)` flattens")
    quiet = run_cli("-", "--stdin-filename", "src/model.py", stdin=BUGGY.format(suffix="  # noqa: SHP102"))
    assert quiet.returncode == 0 and "No findings" in quiet.stdout


def test_fix_on_standard_input_prints_the_repaired_text_and_reports_on_stderr() -> None:
    original = BUGGY.format(suffix="")
    result = run_cli("check", "-", "--fix", stdin=original)
    assert result.returncode == 0
    assert result.stdout == original.replace("out.view(batch_size, -1)", "out.transpose(0, 1).reshape(batch_size, -1)")
    assert "No findings" in result.stderr
    diff = run_cli("check", "-", "--diff", "--stdin-filename", "model.py", stdin=original)
    assert diff.returncode == 1
    assert diff.stdout.startswith("--- model.py\n+++ model.py\n")
    assert "+        return out.transpose(0, 1).reshape(batch_size, -1)" in diff.stdout


def test_fix_on_standard_input_passes_text_that_does_not_parse_through() -> None:
    result = run_cli("check", "-", "--fix", stdin="x = (\n" + "# LSTM\n")
    assert result.returncode == 1 and result.stdout == "x = (\n# LSTM\n"
    assert "SHP001" in result.stderr


def test_standard_input_with_other_paths_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("check", "-", str(tmp_path), stdin="")
    assert result.returncode == 2 and "standard input" in result.stderr


def test_jobs_give_the_same_findings() -> None:
    one = run_cli("--format", "json", "--jobs", "1", "fixtures", "tests/negatives")
    two = run_cli("--format", "json", "--jobs", "2", "fixtures", "tests/negatives")
    assert json.loads(one.stdout) == json.loads(two.stdout) != []


def test_rules_and_rule_docs() -> None:
    listing = run_cli("rules").stdout
    assert "SHP101  view-as-transpose" in listing and "SHP103  view-noncontiguous" in listing
    docs = run_cli("rule", "shp101")
    assert docs.returncode == 0 and docs.stdout.startswith("SHP101 view-as-transpose")
    assert "## Why is this bad?" in docs.stdout and "Fix: " in docs.stdout
    unknown = run_cli("rule", "SHP999")
    assert unknown.returncode == 2 and "no rule 'SHP999'" in unknown.stderr


def test_usage_errors_exit_two() -> None:
    assert run_cli("--format", "xml", ".").returncode == 2
    assert run_cli("--jobs", "-1", ".").returncode == 2


def test_linting_never_imports_torch() -> None:
    code = (
        "import sys; from pathlib import Path; import shapelint; from shapelint.cli import main; "
        f"main(['check', '--exit-zero', {str(FIXTURES)!r}, {str(ROOT / 'tests' / 'negatives')!r}]); "
        "print('TORCH', 'torch' in sys.modules, file=sys.stderr)"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "TORCH False" in result.stderr, result.stderr
    assert "SHP101" in result.stdout  # it did lint


TOKENS_MODEL = textwrap.dedent(
    """\
    import torch
    from torch import nn

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(100, 8)

        def forward(self, tokens, seq_len, batch_size):
            embeds = self.embedding(tokens)
            return embeds.view(seq_len, batch_size, -1)
    """
)


@pytest.mark.parametrize(("layout", "flagged"), [(None, False), ("batch-first", True), ("time-major", False)])
def test_input_layout_declares_token_inputs(tmp_path: Path, layout: str | None, flagged: bool) -> None:
    write(tmp_path, "model.py", TOKENS_MODEL)
    if layout is not None:
        write(tmp_path, "pyproject.toml", f'[tool.shapelint]\ninput-layout = "{layout}"\n')
    result = run_cli(".", cwd=tmp_path)
    assert ("SHP101" in result.stdout) is flagged
    if flagged:
        assert "`tokens` (batch-first by `input-layout` in [tool.shapelint])" in result.stdout


def test_input_layout_must_be_known(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.shapelint]\ninput-layout = "batch-major"\n')
    result = run_cli(".", cwd=tmp_path)
    assert result.returncode == 2 and "input-layout must be one of" in result.stderr


def test_dimension_names_extend_from_config(tmp_path: Path) -> None:
    source = TOKENS_MODEL.replace("forward(self, tokens,", 'forward(self, tokens: Int[Tensor, "n frames"],')
    source = "from jaxtyping import Int\nfrom torch import Tensor\n" + source
    write(tmp_path, "model.py", source)
    assert run_cli(".", cwd=tmp_path).returncode == 0
    write(tmp_path, "pyproject.toml", '[tool.shapelint]\nbatch-dims = ["n"]\ntime-dims = ["frames"]\n')
    assert "SHP101" in run_cli(".", cwd=tmp_path).stdout


def test_public_api_names_resolve_without_torch() -> None:
    code = (
        "import sys, shapelint\n"
        "names = [name for name in shapelint.__all__ if name != 'trace']\n"
        "assert all(getattr(shapelint, name) for name in names)\n"
        "assert callable(shapelint.trace)\n"
        "print('TORCH', 'torch' in sys.modules)\n"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "TORCH False" in result.stdout
