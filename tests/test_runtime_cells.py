"""SHP513 for RNN cells at run time: a hand-written recurrence that steps through the batch, and the
recurrences that only look like it."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
from torch import Tensor, nn  # noqa: E402

import shapelint  # noqa: E402


class Stepped(nn.Module):
    """An LSTM cell stepped through embedded tokens by hand.

    ``step`` picks step ``t``; ``rows`` names the tokens axis the initial state is sized by; the tokens
    are transposed first with ``time_major``; ``start`` replaces the zero state (a learnt one)."""

    def __init__(self, step: str, rows: int = 0, time_major: bool = False, start: bool = False) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.step, self.rows, self.time_major, self.start = step, rows, time_major, start
        self.embedding = nn.Embedding(20, 4)
        self.cell = nn.LSTMCell(4, 6)
        self.init = nn.Linear(4, 6)

    def forward(self, tokens: Tensor) -> Tensor:
        embeds = self.embedding(tokens.t() if self.time_major else tokens)
        h = torch.tanh(self.init(embeds[:, 0])) if self.start else embeds.new_zeros(embeds.size(self.rows), 6)
        c = torch.zeros_like(h)
        for t in range(embeds.size(0 if self.time_major else 1)):
            x = embeds[t] if self.step == "x[t]" else embeds[:, t] if self.step == "x[:, t]" else embeds[0, t : t + 1]
            h, c = self.cell(x, (h, c))
        return h


def _codes(model: nn.Module, *batches: Tensor, probe: bool = True) -> list[str]:
    with shapelint.trace(probe=probe) as tracer:
        for tokens in batches:
            model(tokens)
    return [finding.code for finding in tracer.findings]


SQUARE = torch.randint(0, 20, (5, 5))


def test_a_cell_fed_one_samples_steps_is_flagged_at_its_call_with_the_index_to_use() -> None:
    with shapelint.trace() as tracer:
        Stepped("x[t]")(SQUARE)
    (finding,) = tracer.findings
    assert (finding.code, finding.line) == ("SHP513", Stepped.forward.__code__.co_firstlineno + 6)
    assert "reads axis 1 of `tokens` (time) as its batch" in finding.message
    assert "the recurrence runs across the batch" in finding.message


def test_the_index_as_written_gives_the_fix() -> None:
    class Written(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding, self.cell = nn.Embedding(20, 4), nn.GRUCell(4, 6)

        def forward(self, tokens: Tensor) -> Tensor:
            embeds = self.embedding(tokens)
            h = embeds.new_zeros(embeds.size(0), 6)
            for t in range(embeds.size(1)):
                h = self.cell(embeds[t], h)
            return h

    with shapelint.trace() as tracer:
        Written()(SQUARE)
    (finding,) = tracer.findings
    assert "`embeds[t]` picked one sample" in finding.message and "use `embeds[:, t]`" in finding.message


def test_a_state_made_from_the_batch_tells_the_batch_without_running_again() -> None:
    assert _codes(Stepped("x[t]", start=True), SQUARE, probe=False) == ["SHP513"]
    assert _codes(Stepped("x[:, t]", start=True), SQUARE, probe=False) == []


def test_where_torch_refuses_the_state_the_finding_is_there_before_the_error() -> None:
    with pytest.raises(Exception, match="batch size"), shapelint.trace() as tracer:
        Stepped("x[t]")(torch.randint(0, 20, (4, 6)))
    assert [f.code for f in tracer.findings] == ["SHP513"]


@pytest.mark.parametrize(
    ("model", "batches"),
    [
        # Step t of every sample.
        (Stepped("x[:, t]"), (SQUARE, torch.randint(0, 20, (5, 3)))),
        # Time-major tokens: `x[t]` is step t of every sample, square or not.
        (Stepped("x[t]", rows=1, time_major=True), (SQUARE, torch.randint(0, 20, (3, 7)))),
        # One sentence, one step at a time: its one row is a time step, and it is the whole batch.
        (Stepped("x[0, t:t+1]"), tuple(torch.randint(0, 20, (1, n)) for n in (4, 6, 5))),
    ],
    ids=["batch-first", "time-major", "batch-of-one"],
)
def test_cells_that_step_through_time_are_left_alone(model: nn.Module, batches: tuple[Tensor, ...]) -> None:
    assert _codes(model, *batches) == []


def test_following_a_cell_leaves_outputs_and_gradients_bitwise_identical() -> None:
    def step() -> tuple[Tensor, ...]:
        model = Stepped("x[t]", start=True)
        summary = model(SQUARE)
        summary.pow(2).sum().backward()
        return (summary.detach(), *(p.grad.clone() for p in model.parameters() if p.grad is not None))

    plain = step()
    with shapelint.trace() as tracer:
        traced = step()
    assert all(torch.equal(a, b) for a, b in zip(plain, traced, strict=True))
    assert [f.code for f in tracer.findings] == ["SHP513"]
