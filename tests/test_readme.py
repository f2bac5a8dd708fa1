"""Every snippet of the README does what the README says: its files are written, its sessions (`$ command`
and the output shown) are run and compared, its configuration is used, its pre-commit hook runs, and its
install commands work in a fresh checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = [(match.group(1), match.group(2)) for match in re.finditer(r"```(\w*)\n(.*?)```", README, re.DOTALL)]
BIN = str(Path(sys.executable).parent)


def environment(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "OMP_NUM_THREADS": "1",
        "PRE_COMMIT_HOME": str(home / ".pre-commit"),
    }


def files_of(kind: str, body: str) -> tuple[str, str] | None:
    """A block that starts with `# name` is the file of that name (the caption is not part of it)."""
    first, _, rest = body.partition("\n")
    if kind in ("python", "toml", "yaml") and first.startswith("# ") and "." in first:
        return first[2:].strip(), rest
    return None


def test_every_session_prints_what_the_readme_shows(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    sessions = 0
    for kind, body in BLOCKS:
        named = files_of(kind, body)
        if named is not None and named[0] != ".pre-commit-config.yaml":
            (tmp_path / named[0]).write_text(named[1], encoding="utf-8")
        elif kind == "" and body.startswith("$ "):
            sessions += 1
            for command, expected in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", body, re.MULTILINE):
                result = subprocess.run(
                    command, shell=True, cwd=tmp_path, env=environment(tmp_path), capture_output=True, text=True
                )
                printed = [
                    line.replace(f"{tmp_path}{os.sep}", "")
                    for line in (result.stdout + result.stderr).splitlines()
                    if "NumPy" not in line and "_conversion_method_template" not in line
                ]
                shown = expected.splitlines()
                if shown and shown[-1] == "...":
                    shown, printed = shown[:-1], printed[: len(shown) - 1]
                assert printed == shown, command
    assert sessions >= 4


def test_the_pre_commit_hook_runs_as_shown(tmp_path: Path) -> None:
    (config,) = [named for kind, body in BLOCKS if (named := files_of(kind, body)) and named[0].endswith("yaml")]
    repo = tmp_path / "project"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(config[1], encoding="utf-8")
    shutil.copy(ROOT / "fixtures" / "view_transpose_buggy.py", repo / "model.py")
    env = environment(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    result = subprocess.run(
        [str(Path(BIN) / "pre-commit"), "run", "--all-files"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "model.py:23:13: SHP101 " in result.stdout


def test_the_install_commands_are_the_projects() -> None:
    """The first README command installs the static half in a fresh checkout (the CI runs the second);
    the runtime install names the extra this project declares, and the hint shapelint prints says the same."""
    (_, two), (_, install) = [(kind, body) for kind, body in BLOCKS if kind == "bash"][:2]
    first = two.splitlines()[0]
    assert first.startswith("python3 -m venv .venv && .venv/bin/pip install -e .")
    assert 'pip install torch==2.13.0 && pip install -e ".[runtime]"' in install
    assert "runtime = [" in (ROOT / "pyproject.toml").read_text()
    from shapelint.runtime import INSTALL_HINT

    assert "pip install torch==2.13.0, then pip install -e '.[runtime]'" in INSTALL_HINT


@pytest.mark.skipif(not shutil.which("git"), reason="needs git to make a fresh checkout")
def test_the_first_readme_command_works_in_a_fresh_checkout(tmp_path: Path) -> None:
    checkout = tmp_path / "shapelint"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
    first = next(body for kind, body in BLOCKS if kind == "bash").splitlines()[0]
    result = subprocess.run(first, shell=True, cwd=checkout, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert re.search(r"Found \d+ findings in \d+ files \(\d+ files checked\)\.", result.stdout)
