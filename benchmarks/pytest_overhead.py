"""What the pytest plugin costs a test session that does not enable it, measured side by side.

Writes 500 trivial tests to a temporary folder and runs pytest on them with the plugin
blocked (`-p no:shapelint`) and loaded but not enabled, interleaved, several times; prints
the ratio of the medians. Usage: python benchmarks/pytest_overhead.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def session(folder: Path, *options: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, str(folder)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        tests = "".join(f"def test_{i}():\n    assert {i} + 1 > {i}\n\n" for i in range(500))
        (folder / "test_many.py").write_text(tests)
        blocked, loaded = [], []
        for _ in range(rounds):
            blocked.append(session(folder, "-p", "no:shapelint"))
            loaded.append(session(folder))
    base, plugin = statistics.median(blocked), statistics.median(loaded)
    print(
        f"500 trivial tests, {rounds} rounds: plugin blocked {base:.2f} s, loaded but off {plugin:.2f} s, "
        f"{plugin / base:.2f}x"
    )


if __name__ == "__main__":
    main()
