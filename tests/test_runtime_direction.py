"""SHP509 at run time: what counts as using the forward direction of a bidirectional RNN's last layer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from torch import Tensor, nn  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

import shapelint  # noqa: E402
from shapelint.runtime.rules.unused_direction import UnusedDirection  # noqa: E402


@dataclass
class Output:
    """A model's results as a dataclass, not a tuple."""

    logits: Tensor
    state: Tensor


class Model(nn.Module):
    """An Embedding into a bidirectional LSTM; ``summary`` decides what of its results ``forward`` uses."""

    def __init__(self, summary: str, layers: int = 1) -> None:
        super().__init__()
        self.summary = summary
        self.embedding = nn.Embedding(50, 8)
        self.lstm = nn.LSTM(8, 16, num_layers=layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, tokens: Tensor) -> object:
        _, (h_n, c_n) = self.lstm(self.embedding(tokens))
        if self.summary == "view":
            return self.fc(h_n.view(-1, 2, tokens.size(0), 16)[-1].sum(0))
        if self.summary == "return-state":
            return self.fc(h_n[-1]), {"state": (h_n, c_n)}
        if self.summary == "return-dataclass":
            return Output(self.fc(h_n[-1]), h_n)
        if self.summary == "attribute":
            self.hidden = (h_n, c_n)
            return self.fc(h_n[-1])
        if self.summary == "iterate":
            return self.fc(sum(h_n))
        if self.summary == "cell-forward":
            return self.fc(h_n[-1] + c_n[-2])
        if self.summary == "cell-backward":
            return self.fc(h_n[-1] + c_n[-1])
        if self.summary == "shape-only":
            assert h_n.shape[0] == 2 and h_n.size(1) == tokens.size(0)
            return self.fc(h_n[-1])
        if self.summary == "last-two":
            return self.fc(h_n[-2:].sum(0))
        if self.summary == "slice-last":
            return self.fc(h_n[-1:].squeeze(0))
        if self.summary == "raise":
            self.fc(h_n[-1])
            raise ValueError("stop")
        assert self.summary == "last"
        return self.fc(h_n[-1])


def findings(model: nn.Module, calls: int = 2, **options: object) -> list[str]:
    with shapelint.trace(**options) as tracer:
        for _ in range(calls):
            model(torch.randint(0, 50, (4, 5)))
    return [finding.code for finding in tracer.findings]


@pytest.mark.parametrize(
    "summary", ["view", "return-state", "return-dataclass", "attribute", "iterate", "cell-forward", "last-two"]
)
def test_uses_that_reach_the_forward_direction_are_not_flagged(summary: str) -> None:
    assert UnusedDirection.code not in findings(Model(summary))


# Reading `h_n`'s shape uses none of its values.
@pytest.mark.parametrize("summary", ["last", "cell-backward", "slice-last", "shape-only"])
def test_only_the_backward_direction_is_flagged(summary: str) -> None:
    assert UnusedDirection.code in findings(Model(summary))


def test_a_forward_that_raises_is_not_judged() -> None:
    with shapelint.trace() as tracer, pytest.raises(ValueError, match="stop"):
        Model("raise")(torch.randint(0, 50, (4, 5)))
    assert tracer.findings == []


def test_a_two_layer_state_reads_its_last_layer_rows() -> None:
    assert UnusedDirection.code in findings(Model("last", layers=2))
    assert UnusedDirection.code not in findings(Model("last-two", layers=2))


def test_the_finding_is_where_h_n_last_row_is_read_and_names_the_state() -> None:
    with shapelint.trace() as tracer:
        Model("last")(torch.randint(0, 50, (4, 5)))
    (finding,) = [f for f in tracer.findings if f.code == UnusedDirection.code]
    source = Path(__file__).read_text(encoding="utf-8").splitlines()
    assert source[finding.line - 1].strip() == "return self.fc(h_n[-1])"
    assert "bidirectional LSTM called at" in finding.message
    assert "f32[2,4,16]: layers*dirs=2 batch=4 hidden=16" in finding.message
    assert "use `torch.cat([h_n[-2], h_n[-1]], dim=-1)` (and a Linear of 2 * 16 inputs)" in finding.message


def test_one_model_traced_names_the_rnn() -> None:
    model = Model("last")
    with shapelint.trace(model) as tracer:
        model(torch.randint(0, 50, (4, 5)))
    (finding,) = [f for f in tracer.findings if f.code == UnusedDirection.code]
    assert "the bidirectional LSTM `lstm` called at" in finding.message


def test_without_op_tracking_nothing_is_claimed() -> None:
    assert findings(Model("last"), provenance=False) == []


def test_a_top_level_rnn_returns_everything_to_its_caller() -> None:
    lstm = nn.LSTM(8, 16, bidirectional=True)
    with shapelint.trace() as tracer:
        _, (h_n, _) = lstm(torch.randn(5, 4, 8))
        h_n[-1].sum()
    assert tracer.findings == []


class TwoCalls(nn.Module):
    """The same bidirectional GRU over two inputs: each call is judged on its own."""

    def __init__(self, second: str) -> None:
        super().__init__()
        self.second = second
        self.embedding = nn.Embedding(50, 8)
        self.gru = nn.GRU(8, 16, batch_first=True, bidirectional=True)

    def forward(self, tokens: Tensor) -> Tensor:
        _, first = self.gru(self.embedding(tokens))
        out, second = self.gru(self.embedding(tokens.flip(1)))
        summary = torch.cat([first[-2], first[-1]], dim=-1)
        if self.second == "out":
            return summary + out[:, -1]
        return summary + second[-1].repeat(1, 2)


def test_a_second_call_of_the_same_rnn_is_judged_per_call() -> None:
    assert UnusedDirection.code in findings(TwoCalls("last"))
    assert UnusedDirection.code not in findings(TwoCalls("out"))


class Packed(nn.Module):
    """A packed bidirectional LSTM: unpacking its output uses the forward direction."""

    def __init__(self, unpack: bool) -> None:
        super().__init__()
        self.unpack = unpack
        self.embedding = nn.Embedding(50, 8, padding_idx=0)
        self.lstm = nn.LSTM(8, 16, batch_first=True, bidirectional=True)

    def forward(self, tokens: Tensor, lengths: Tensor) -> Tensor:
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, (h_n, _) = self.lstm(packed)
        if self.unpack:
            padded, _ = pad_packed_sequence(out, batch_first=True)
            return h_n[-1] + padded.sum(1)[:, :16]
        return h_n[-1]


def test_a_packed_output_unpacked_is_used() -> None:
    tokens = torch.tensor([[5, 6, 7, 0], [8, 9, 3, 1], [4, 3, 0, 0]])
    lengths = torch.tensor([3, 4, 2])
    for unpack, flagged in ((True, False), (False, True)):
        with shapelint.trace() as tracer:
            Packed(unpack)(tokens, lengths)
        assert (UnusedDirection.code in [f.code for f in tracer.findings]) is flagged
