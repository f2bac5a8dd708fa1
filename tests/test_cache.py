"""The cache of `shapelint check`: results reused while nothing they rest on changed, and only then."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_training_scripts import MODEL, TRAIN

import shapelint.static.run as run_module
from shapelint import Config, lint_paths
from shapelint.findings import Finding


def project(folder: Path, bidirectional: bool = True) -> None:
    (folder / "model.py").write_text(MODEL.format(bidirectional=bidirectional))
    (folder / "train.py").write_text(TRAIN.format(encoder="", decoder=""))


def lint(
    folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, config: Config | None = None
) -> tuple[list[Finding], int]:
    """The findings, and how many files were analysed rather than read from the cache."""
    analysed = []
    original = run_module.lint_file

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        analysed.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(run_module, "lint_file", counting)
    findings = list(lint_paths([folder], config or Config(), cache_dir=cache).findings)
    return findings, len(analysed)


def test_a_second_run_reads_every_result_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "src").mkdir()
    project(tmp_path / "src")
    cold, analysed = lint(tmp_path / "src", tmp_path / "cache", monkeypatch)
    assert analysed == 2 and [f.code for f in cold] == ["SHP206"]
    warm, analysed = lint(tmp_path / "src", tmp_path / "cache", monkeypatch)
    assert analysed == 0 and warm == cold
    assert warm[0].message == cold[0].message


def test_a_change_in_a_file_the_analysis_read_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "src").mkdir()
    project(tmp_path / "src")
    lint(tmp_path / "src", tmp_path / "cache", monkeypatch)
    # The script's finding rests on the model's file: a unidirectional encoder leaves nothing to report.
    project(tmp_path / "src", bidirectional=False)
    findings, analysed = lint(tmp_path / "src", tmp_path / "cache", monkeypatch)
    assert findings == [] and analysed == 2


def test_other_settings_are_other_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "src").mkdir()
    project(tmp_path / "src")
    lint(tmp_path / "src", tmp_path / "cache", monkeypatch)
    findings, analysed = lint(tmp_path / "src", tmp_path / "cache", monkeypatch, Config(ignore=("SHP206",)))
    assert findings == [] and analysed == 2


def test_broken_entries_are_ignored_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "src").mkdir()
    project(tmp_path / "src")
    cold, _ = lint(tmp_path / "src", tmp_path / "cache", monkeypatch)
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text("{not json")
    again, analysed = lint(tmp_path / "src", tmp_path / "cache", monkeypatch)
    assert again == cold and analysed == 2
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text(json.dumps({"findings": [{"code": "SHP999"}], "read": {}}))
    assert lint(tmp_path / "src", tmp_path / "cache", monkeypatch)[0] == cold


def test_a_cache_that_cannot_be_written_does_not_stop_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "src").mkdir()
    project(tmp_path / "src")
    (tmp_path / "cache").write_text("a file where the folder would go")
    findings, _ = lint(tmp_path / "src", tmp_path / "cache", monkeypatch)
    assert [f.code for f in findings] == ["SHP206"]


def test_the_cli_keeps_a_cache_that_git_ignores_and_clean_removes(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    project(tmp_path / "src")
    first = run_cli("check", "src", cwd=tmp_path)
    assert first.returncode == 1
    cache = tmp_path / ".shapelint_cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").is_file()
    assert run_cli("check", "src", cwd=tmp_path).stdout == first.stdout
    cleaned = run_cli("clean", cwd=tmp_path)
    assert cleaned.returncode == 0 and not cache.exists()
    run_cli("check", "--no-cache", "src", cwd=tmp_path)
    assert not cache.exists()
    run_cli("check", "--cache-dir", "elsewhere", "src", cwd=tmp_path)
    assert (tmp_path / "elsewhere" / "CACHEDIR.TAG").is_file() and not cache.exists()
    # `clean` removes only a folder shapelint made.
    (tmp_path / "mine").mkdir()
    assert "No cache at mine" in run_cli("clean", "--cache-dir", "mine", cwd=tmp_path).stdout
    assert (tmp_path / "mine").is_dir()
