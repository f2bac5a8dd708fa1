"""Generated programs: nothing a file holds makes the linter fail on it.

hypothesmith writes programs from Python's grammar (any syntax, often nonsense) and from libcst's
node types (valid code of every shape). Each gets a line that names an RNN and a view, so that the
pre-filter lets it through to the parse, the project index and the flow analysis. A failure of ours
is an SHP009 finding that says "shapelint failed"; it must never happen. This run is bounded for CI;
`SHAPELINT_FUZZ_EXAMPLES=N` runs longer (see docs/static-analysis.md for the last long run).
"""

from __future__ import annotations

import os

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from shapelint import Config, lint_source
from shapelint.static.rules.analysis_error import AnalysisError

# hypothesmith compiles what it writes to check it, and Python warns about odd code as it does.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
EXAMPLES = int(os.environ.get("SHAPELINT_FUZZ_EXAMPLES", "60"))
# Names an RNN and a view, so that the whole file is parsed and analysed.
TAIL = "\nrnn = torch.nn.LSTM(4, 8, bidirectional=True)\nout, h = rnn(x.view(3, 2, -1))\nlast = out[-1]\n"
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def internal_failures(source: str) -> list[str]:
    findings = lint_source((source + TAIL).encode(), "generated.py", Config())
    return [f.message for f in findings if f.code == AnalysisError.code and "shapelint failed" in f.message]


@FUZZ
@given(hypothesmith.from_grammar())
def test_programs_from_the_grammar(source: str) -> None:
    assert internal_failures(source) == []


@FUZZ
@given(hypothesmith.from_node())
def test_programs_from_libcst_nodes(source: str) -> None:
    assert internal_failures(source) == []
