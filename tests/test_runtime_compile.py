"""torch.compile under the tracer: compiled code runs eagerly while a tracer is active, so its ops are
traced (also with fullgraph=True, where the tracer's own Python would otherwise be an error), and the
compiler takes over again once the tracer leaves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
from conftest import run_cli  # noqa: E402
from torch import nn  # noqa: E402

import shapelint  # noqa: E402

HERE = Path(__file__)


class _Tagger(nn.Module):
    """Tags each step from its own embedding, time-major, after a view that mixes samples (no RNN: dynamo
    compiles none in one graph)."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embedding, self.tags = nn.Embedding(20, 8), nn.Linear(8, 3)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        batch, steps = tokens.shape
        return self.tags(self.embedding(tokens).view(steps, batch, -1))  # the view under test


VIEW_LINE = next(n for n, line in enumerate(HERE.read_text().splitlines(), 1) if line.endswith("# the view under test"))


@pytest.fixture
def graphs() -> list[int]:
    """A count of the graphs compiled, by a backend that runs each as it is; skip where dynamo cannot run."""
    compiled: list[int] = []
    try:
        torch.compile(lambda x: x + 1, backend="eager", fullgraph=True)(torch.ones(2))
    except Exception as error:  # no dynamo on this platform or Python
        pytest.skip(f"torch.compile is unusable here: {error}")
    return compiled


def _counting(compiled: list[int]) -> Any:
    def backend(graph: torch.fx.GraphModule, example_inputs: list[torch.Tensor]) -> Any:
        compiled.append(1)
        return graph.forward

    return backend


@pytest.mark.filterwarnings("ignore:Using `torch.compile\\(module\\)` when there are global hooks")
def test_a_compiled_model_runs_eagerly_while_traced_and_compiles_again_after(graphs: list[int]) -> None:
    torch._dynamo.reset()
    model = _Tagger()
    compiled = torch.compile(model, backend=_counting(graphs), fullgraph=True)
    batches = [torch.randint(1, 20, (3, steps), generator=torch.Generator().manual_seed(steps)) for steps in (5, 6)]
    with shapelint.trace() as tracer:
        traced = [compiled(tokens) for tokens in batches]
    assert graphs == []  # nothing compiled while traced: every op ran where the tracer sees it
    (finding,) = tracer.findings
    assert (finding.code, Path(finding.path).resolve(), finding.line) == ("SHP501", HERE, VIEW_LINE)
    assert "axis 0 of `tokens`" in finding.message  # the model's own argument, not the compiled wrapper's
    assert all(torch.equal(out, model(tokens)) for out, tokens in zip(traced, batches))  # eager results
    compiled(batches[0])
    assert graphs  # the tracer gone, the compiler is back


SCRIPT = """
import torch
from torch import nn

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.tags = nn.Embedding(20, 8), nn.Linear(8, 3)

    def forward(self, tokens):
        batch, steps = tokens.shape
        return self.tags(self.embedding(tokens).view(steps, batch, -1))

torch.manual_seed(0)
model = Tagger()
{compiled}
for steps in (5, 6):
    run(torch.randint(1, 20, (3, steps)))
print("done")
"""


@pytest.mark.usefixtures("graphs")
@pytest.mark.parametrize(
    ("compiled", "codes"),
    [
        # torch.compile imported dynamo after the tracer was entered: the wrapper's call sets the eager stance.
        ('run = torch.compile(model, backend="eager", fullgraph=True)', ["SHP501"]),
        # A function compiled whole, with the model inside it: dynamo compiles before any call the tracer
        # follows, so that region is not traced, and the tracer's code stays out of its graph.
        ('run = torch.compile(lambda tokens: model(tokens), backend="eager", fullgraph=True)', []),
    ],
    ids=["compiled-model", "compiled-function"],
)
def test_shapelint_run_on_a_script_that_compiles(tmp_path: Path, compiled: str, codes: list[str]) -> None:
    script = tmp_path / "compiled.py"
    script.write_text(SCRIPT.format(compiled=compiled))
    result = run_cli("run", "--format", "json", str(script))
    assert "done" in result.stdout, result.stderr[-2000:]
    report = result.stdout[result.stdout.index("[") :]
    assert [finding["code"] for finding in json.loads(report)] == codes
