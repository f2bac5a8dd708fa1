"""The command line as a ruff user types it: output formats, statistics, quiet and silent runs,
extended selections, per-file ignores, file-level noqa, .gitignore, forced excludes and the
nearest configuration file of each path."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from test_cli import BUGGY, write

from shapelint import Configs, lint_paths
from shapelint.config import Overrides


def test_output_format_is_an_alias_and_full_shows_the_code(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    concise = run_cli("check", "--output-format", "concise", str(tmp_path)).stdout.splitlines()
    assert concise == run_cli("check", "--format", "text", str(tmp_path)).stdout.splitlines()
    full = run_cli("check", "--output-format", "full", str(tmp_path)).stdout.splitlines()
    assert full[0] == concise[0]
    assert full[1] == "  11 |         return out.view(batch_size, -1)"
    assert full[2] == "     |                ^^^^^^^^^^^^^^^^^^^^^^^^"


def test_statistics_count_findings_per_code(tmp_path: Path) -> None:
    write(tmp_path, "a.py", BUGGY.format(suffix=""))
    write(tmp_path, "b.py", BUGGY.format(suffix=""))
    result = run_cli("check", "--statistics", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout == "    2\tSHP102\t[*] flatten-time-major\n"


def test_quiet_prints_findings_only_and_silent_nothing(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    quiet = run_cli("check", "-q", str(tmp_path))
    assert quiet.returncode == 1 and len(quiet.stdout.splitlines()) == 1 and "SHP102" in quiet.stdout
    silent = run_cli("check", "--silent", str(tmp_path))
    assert (silent.returncode, silent.stdout, silent.stderr) == (1, "", "")


def test_show_fixes_marks_what_fix_repairs_and_lists_it(tmp_path: Path) -> None:
    path = write(tmp_path, "model.py", BUGGY.format(suffix=""))
    marked = run_cli("check", "--show-fixes", str(tmp_path)).stdout
    assert "SHP102 [*] " in marked and "[*] 1 finding fixable with the --fix option." in marked
    fixed = run_cli("check", "--fix", "--show-fixes", str(tmp_path))
    assert f"- {path}:\n    1 \u00d7 SHP102 (flatten-time-major)" in fixed.stdout


def test_extend_select_adds_to_a_selection(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    assert run_cli("check", "--select", "SHP2", str(tmp_path)).returncode == 0
    assert run_cli("check", "--select", "SHP2", "--extend-select", "SHP102", str(tmp_path)).returncode == 1
    assert run_cli("check", "--extend-ignore", "SHP1", str(tmp_path)).returncode == 0
    write(tmp_path, "pyproject.toml", '[tool.shapelint]\nselect = ["SHP2"]\nextend-select = ["SHP1"]\n')
    assert run_cli("check", ".", cwd=tmp_path).returncode == 1


def test_per_file_ignores(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.shapelint.per-file-ignores]\n"tests/*" = ["SHP1"]\n')
    write(tmp_path, "tests/test_model.py", BUGGY.format(suffix=""))
    write(tmp_path, "src/model.py", BUGGY.format(suffix=""))
    (finding,) = lint_paths([tmp_path], Configs()).findings
    assert finding.path.endswith("src/model.py")
    write(tmp_path, "pyproject.toml", '[tool.shapelint.per-file-ignores]\n"tests/*" = ["SHP9"]\n')
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2 and "per-file-ignores: 'tests/*': unknown rule code(s) SHP9" in result.stderr


def test_a_file_level_noqa_silences_the_file_or_its_codes(tmp_path: Path) -> None:
    write(tmp_path, "a.py", "# shapelint: noqa\n" + BUGGY.format(suffix=""))
    write(tmp_path, "b.py", "# shapelint: noqa: SHP102\n" + BUGGY.format(suffix=""))
    write(tmp_path, "c.py", "# shapelint: noqa: SHP101\n" + BUGGY.format(suffix=""))
    write(tmp_path, "d.py", BUGGY.format(suffix="  # not a shapelint: noqa directive"))
    found = sorted(Path(finding.path).name for finding in lint_paths([tmp_path], Configs()).findings)
    assert found == ["c.py", "d.py"]


def test_gitignored_files_are_skipped_unless_asked(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", "generated/\n*_tmp.py\n")
    write(tmp_path, "pkg/.gitignore", "old_*.py\n!old_but_kept.py\n")
    for name in ("generated/model.py", "model_tmp.py", "pkg/old_model.py", "pkg/old_but_kept.py", "pkg/model.py"):
        write(tmp_path, name, BUGGY.format(suffix=""))
    names = sorted(Path(f.path).relative_to(tmp_path).as_posix() for f in lint_paths([tmp_path], Configs()).findings)
    assert names == ["pkg/model.py", "pkg/old_but_kept.py"]
    everything = lint_paths([tmp_path], Configs(), respect_gitignore=False)
    assert len(everything.findings) == 5
    assert run_cli("check", "--no-respect-gitignore", str(tmp_path)).stdout.count("SHP102") == 5


def test_force_exclude_applies_excludes_to_files_named_explicitly(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.shapelint]\nexclude = ["generated"]\n')
    path = write(tmp_path, "generated/model.py", BUGGY.format(suffix=""))
    assert run_cli("check", str(path), cwd=tmp_path).returncode == 1  # named: checked, as in ruff
    forced = run_cli("check", "--force-exclude", str(path), cwd=tmp_path)
    assert forced.returncode == 0 and "No findings in 0 checked files." in forced.stdout


def test_each_path_uses_the_nearest_configuration(tmp_path: Path) -> None:
    """Linting another project from elsewhere uses that project's configuration, as ruff does."""
    write(tmp_path, "other/pyproject.toml", '[tool.shapelint]\nignore = ["SHP102"]\n')
    write(tmp_path, "other/model.py", BUGGY.format(suffix=""))
    write(tmp_path, "mine/model.py", BUGGY.format(suffix=""))
    result = run_cli("check", "other", "mine", cwd=tmp_path)
    assert result.stdout.count("SHP102") == 1 and "mine/model.py" in result.stdout
    # In one folder, `.shapelint.toml` comes before `shapelint.toml`, before pyproject.toml.
    write(tmp_path, "other/shapelint.toml", 'select = ["SHP2"]\n')
    write(tmp_path, "other/.shapelint.toml", 'ignore = ["SHP2"]\n')
    settings = run_cli("check", "--show-settings", "other/model.py", cwd=tmp_path).stdout
    assert f"configuration file: {tmp_path / 'other' / '.shapelint.toml'}" in settings
    assert "ignore: ['SHP2']" in settings
    # A --select on the command line applies over every file's configuration.
    configs = Configs(overrides=Overrides(select=("SHP102",)))
    assert len(lint_paths([tmp_path / "other", tmp_path / "mine"], configs).findings) == 2


def test_a_mistake_in_check_arguments_prints_the_check_usage(tmp_path: Path) -> None:
    result = run_cli("check", "--jobs", "many", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("usage: shapelint check")
    assert "argument --jobs/-j: not a number: 'many'" in result.stderr
