"""The pre-commit hook, for real: `pre-commit try-repo` installs shapelint from this checkout into its own
environment and runs it on a throwaway repository's staged files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT

PRE_COMMIT = shutil.which("pre-commit", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))


def test_hook_definition_is_light_and_python_only() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "shapelint" and hook["language"] == "python"
    assert hook["entry"] == "shapelint check --force-exclude" and hook["types_or"] == ["python", "pyi", "jupyter"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway repository with one buggy and one fixed program staged."""
    if PRE_COMMIT is None:
        pytest.skip("pre-commit is not installed")
    repo = tmp_path_factory.mktemp("user-project")
    for name in ("flatten_time_major_buggy.py", "flatten_time_major_fixed.py"):
        shutil.copy(FIXTURES / name, repo / name)
    for command in (["git", "init", "-q"], ["git", "add", "."]):
        subprocess.run(command, cwd=repo, check=True)
    return repo


def try_repo(project: Path, file: str) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    command = [PRE_COMMIT, "try-repo", str(ROOT), "shapelint", "--files", file]
    env = {**os.environ, "PRE_COMMIT_HOME": str(project.parent / "pre-commit-home")}
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, timeout=600)


def test_buggy_file_fails_the_commit_with_shapelints_message(project: Path) -> None:
    result = try_repo(project, "flatten_time_major_buggy.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "shapelint" in result.stdout and "Failed" in result.stdout
    assert "SHP102 `out.view(batch_size, -1)` flattens time-major `out`" in result.stdout


def test_fixed_file_passes(project: Path) -> None:
    result = try_repo(project, "flatten_time_major_fixed.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
