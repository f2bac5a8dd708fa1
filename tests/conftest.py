"""Shared helpers for the test suite."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
NEGATIVES = ROOT / "tests" / "negatives"
EXPECT = re.compile(r"#\s*expect:\s*(SHP\d{3})")


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command line, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "shapelint", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=120,
        input=stdin,
    )


def expected_findings(path: Path) -> set[tuple[int, str]]:
    """(line, code) for every `# expect: CODE` comment in a fixture."""
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found.add((number, match.group(1)))
    return found


@pytest.fixture
def torch_python() -> str:
    """The interpreter, once torch is known to import in it."""
    pytest.importorskip("torch")
    return sys.executable


pytest_plugins = ["pytester"]
