"""Input that would crash, hang or fool the parsers: each becomes a finding or is skipped, and the run
goes on (every other file's findings kept, no traceback, the exit status that findings give)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from conftest import run_cli
from test_cli import BUGGY, write

from shapelint.static.parse_limits import SAFE_DEPTH, Unparseable, check_parseable, parse_module
from shapelint.static.project.scan import scan


def test_code_nested_too_deeply_for_libcst_is_reported_not_a_crash(tmp_path: Path) -> None:
    """libcst's native parser dies (exit 139) on these; with `--jobs 2` that was a BrokenProcessPool."""
    # Each has a word that makes shapelint parse it (files without one are not parsed at all).
    write(tmp_path, "a_parens.py", "x = " + "(" * 1500 + "a" + ")" * 1500 + ".t().view(-1)\n")
    write(tmp_path, "b_chain.py", "x = " + "+".join(["a"] * 8000) + "\ny = x.t().view(-1)\n")
    write(tmp_path, "c_continued.py", "x = (a\n" + "    + a\n" * 7000 + ").t().view(-1)\n")
    write(tmp_path, "d_model.py", BUGGY.format(suffix=""))
    for jobs in ("1", "2"):
        result = run_cli("check", "--jobs", jobs, str(tmp_path))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        lines = result.stdout.splitlines()
        assert any(
            "a_parens.py:1:" in line and "SHP001 cannot parse the file: too many nested" in line for line in lines
        )
        assert any("b_chain.py:1:1: SHP001 cannot parse the file:" in line for line in lines)
        assert any("c_continued.py:1:1: SHP001 cannot parse the file:" in line for line in lines)
        assert any("d_model.py:11:16: SHP102" in line for line in lines)


def test_a_nul_byte_is_reported_where_it_is() -> None:
    with pytest.raises(Unparseable) as raised:
        check_parseable('def f():\n    """doc\0string"""\n')
    assert (raised.value.line, raised.value.column) == (2, 11)
    assert "NUL byte" in str(raised.value)


def test_ordinary_long_data_is_parsed(tmp_path: Path) -> None:
    """A long literal (a vocabulary, a table of numbers) is at risk by the count, and `ast` clears it."""
    check_parseable("VOCAB = [\n" + "    'word',\n" * 5000 + "]\n")
    check_parseable("TABLE = [" + ", ".join(["1.0"] * 4000) + "]\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_named_like_a_python_file_does_not_block_the_run(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "y.py")
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    walked = run_cli("check", str(tmp_path))
    assert walked.returncode == 1 and "(1 file checked)" in walked.stdout  # the FIFO is skipped
    named = run_cli("check", str(tmp_path / "y.py"))
    assert named.returncode == 1
    assert "y.py:1:1: SHP003 not a regular file (a FIFO, a socket or a device)" in named.stdout


def test_an_internal_error_is_one_short_line_and_the_run_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from shapelint import Config
    from shapelint.static import engine

    def fail(*args: object, **kwargs: object) -> None:
        raise KeyError("Call(\n    func=Name(\n        value='rnn',\n    ),\n)" + " " * 500)

    monkeypatch.setattr(engine, "module_events", fail)
    (finding,) = engine.lint_source(BUGGY.format(suffix="").encode(), "model.py", Config())
    assert finding.code == "SHP009"
    assert "\n" not in finding.message and len(finding.message) < 200
    assert finding.message.startswith("shapelint failed on this file: KeyError: ")


def test_pythons_warnings_about_the_users_code_are_not_printed(tmp_path: Path) -> None:
    source = 'import torch\nx = torch.zeros(2, 3).view(3, 2)\ny = 1(2)\npattern = "\\d"\n'
    path = write(tmp_path, "odd.py", source)
    # With every warning shown, as `python -W always` or a test runner shows them.
    result = subprocess.run(
        [sys.executable, "-W", "always", "-m", "shapelint", "check", "--no-cache", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "Warning" not in result.stderr, result.stderr


def test_nodes_built_outside_a_parse_are_still_checked() -> None:
    """The parse skips libcst's check of the nodes its parser builds; a fix's own nodes keep it."""
    assert parse_module("x = y.view(1, 2)\n").code == "x = y.view(1, 2)\n"
    with pytest.raises(cst.CSTValidationError):
        cst.Name("1 is no name")


def test_a_file_over_max_file_size_is_skipped_with_a_notice(tmp_path: Path) -> None:
    write(tmp_path, "small.py", BUGGY.format(suffix=""))
    write(tmp_path, "large.py", BUGGY.format(suffix="") + "# padding\n" * 2_000)
    (tmp_path / "pyproject.toml").write_text('[tool.shapelint]\nmax-file-size = "10KB"\n')
    result = run_cli("check", "--no-cache", str(tmp_path))
    assert result.returncode == 1 and "small.py:11:16: SHP102" in result.stdout
    assert "large.py" not in result.stdout and "(1 file checked)" in result.stdout
    size = (tmp_path / "large.py").stat().st_size
    expected = f"warning: {tmp_path / 'large.py'}: not checked: {size:,} bytes, over max-file-size (10,000 bytes)"
    assert expected in result.stderr


@pytest.mark.parametrize("value", ['"5 parsecs"', "-1", '"0MB"', "true"])
def test_a_max_file_size_that_is_no_size_is_a_configuration_error(tmp_path: Path, value: str) -> None:
    write(tmp_path, "model.py", BUGGY.format(suffix=""))
    (tmp_path / "pyproject.toml").write_text(f"[tool.shapelint]\nmax-file-size = {value}\n")
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2 and "max-file-size must be a size" in result.stderr


def test_the_scan_tells_the_parse_how_deep_a_file_nests() -> None:
    """The parse trusts the `ast` pass that read the whole file; what that pass could not walk is checked."""
    shallow, deep = ("y = x.t()" + ".view(-1)" * count + "\n" for count in (10, 400))
    facts = scan(shallow, "a.py")
    assert facts is not None and facts.outline is not None
    assert facts.outline.depth is not None and 20 < facts.outline.depth < SAFE_DEPTH
    assert parse_module(shallow, frozenset(), facts.outline).code == shallow
    assert scan(deep, "b.py") is None
    with pytest.raises(Unparseable, match="nested more than"):
        parse_module(deep, frozenset(), None)
