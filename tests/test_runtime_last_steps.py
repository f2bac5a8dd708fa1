"""SHP510-SHP513 and SHP505's return check at run time: what they read, and what they leave alone."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from jaxtyping import Float, Int  # noqa: E402
from torch import Tensor, nn  # noqa: E402

import shapelint  # noqa: E402
from shapelint.runtime.rules.backward_last_step import BackwardLastStep  # noqa: E402
from shapelint.runtime.rules.declared_layout_violation import DeclaredLayoutViolation  # noqa: E402
from shapelint.runtime.rules.last_step_padding import LastStepPadding  # noqa: E402

PADDED = torch.tensor([[5, 6, 7, 0], [8, 9, 0, 0], [4, 3, 2, 1]])
FULL = torch.tensor([[5, 6, 7, 2], [8, 9, 1, 1], [4, 3, 2, 1]])


class LastStep(nn.Module):
    """A padded, unpacked bidirectional LSTM summarised by its last step."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embedding = nn.Embedding(30, 4, padding_idx=0)
        self.lstm = nn.LSTM(4, 6, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(12, 2)

    def forward(self, tokens: Tensor) -> Tensor:
        out, _ = self.lstm(self.embedding(tokens))
        return self.fc(out[:, -1])


def _step(model: nn.Module, tokens: Tensor) -> tuple[Tensor, ...]:
    logits = model(tokens)
    logits.pow(2).sum().backward()
    return (logits.detach(), *(p.grad.clone() for p in model.parameters() if p.grad is not None))


def test_the_last_step_checks_leave_outputs_and_gradients_bitwise_identical() -> None:
    plain = _step(LastStep(), PADDED)
    with shapelint.trace() as tracer:
        traced = _step(LastStep(), PADDED)
    assert all(torch.equal(a, b) for a, b in zip(plain, traced, strict=True))
    assert {LastStepPadding.code, BackwardLastStep.code} <= {f.code for f in tracer.findings}


class PadsOnlySometimes(nn.Module):
    """Reads the last step only of batches without padding; reads a mask of the tokens before embedding them."""

    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(30, 4, padding_idx=0)
        self.lstm = nn.LSTM(4, 6, batch_first=True)

    def forward(self, tokens: Tensor) -> Tensor:
        real = (tokens != 0).sum(1, keepdim=True)
        out, _ = self.lstm(self.embedding(tokens))
        if bool((tokens == 0).any()):
            return out[:, 0] * real
        return out[:, -1] * real


class TupleInput(LastStep):
    """The tokens arrive with their lengths in one tuple argument, as data loaders often hand them over."""

    def forward(self, x: tuple[Tensor, Tensor]) -> Tensor:  # type: ignore[override]
        tokens, _ = x
        return super().forward(tokens)


@pytest.mark.parametrize("layouts", [None, {"x[0]": "batch seq"}])
def test_tokens_inside_a_tuple_argument_are_followed(layouts: dict[str, str] | None) -> None:
    with shapelint.trace(layouts=layouts) as tracer:
        TupleInput()((PADDED, torch.tensor([3, 2, 4])))
    (finding,) = [f for f in tracer.findings if f.code == LastStepPadding.code]
    # The expression as written, then what the run saw it do.
    assert finding.message.startswith("`out[:, -1]`: indexing axis 1 of `x[0]` (time) at -1")
    with shapelint.trace(layouts=layouts) as tracer:
        TupleInput()((FULL, torch.tensor([4, 4, 4])))
    assert LastStepPadding.code not in {f.code for f in tracer.findings}


class SortedFirst(LastStep):
    """Sorts its batch longest first (as for packing) before the embedding, or after it."""

    def __init__(self, sort_embeddings: bool) -> None:
        super().__init__()
        self.sort_embeddings = sort_embeddings

    def forward(self, tokens: Tensor) -> Tensor:
        order = (tokens != 0).sum(1).argsort(descending=True)
        if self.sort_embeddings:
            out, _ = self.lstm(self.embedding(tokens)[order])
        else:
            out, _ = self.lstm(self.embedding(tokens[order]))
        return self.fc(out[:, -1])


def test_a_sort_before_the_embedding_reads_the_padding_in_the_sorted_order() -> None:
    with shapelint.trace(layouts={"tokens": "batch seq"}) as tracer:
        SortedFirst(sort_embeddings=False)(PADDED)
    (finding,) = [f for f in tracer.findings if f.code == LastStepPadding.code]
    assert "for 2 of 3 samples (real lengths 3, 2)" in finding.message


def test_a_sort_after_the_embedding_leaves_the_padding_rows_unjudged() -> None:
    """The padding known from the tokens no longer lines up with the sorted rows: nothing is compared."""
    with shapelint.trace(layouts={"tokens": "batch seq"}) as tracer:
        SortedFirst(sort_embeddings=True)(PADDED)
    assert LastStepPadding.code not in {f.code for f in tracer.findings}


def test_new_tokens_forget_the_last_batchs_padding() -> None:
    # Same shape, no padding: what the first batch's padding said must not be held against the second.
    with shapelint.trace(probe=False) as tracer:
        model = PadsOnlySometimes()
        model(PADDED)
        model(FULL)
    assert tracer.findings == []


class TwoReturns(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embedding, self.lstm = nn.Embedding(30, 4), nn.LSTM(4, 6)

    def forward(self, tokens: Int[Tensor, "seq batch"], early: bool = False) -> Float[Tensor, "batch seq hidden"]:
        out, _ = self.lstm(self.embedding(tokens))
        if early:
            return out.transpose(0, 1)
        return out


def test_a_swapped_return_is_reported_at_the_return_or_at_the_def_when_there_are_several() -> None:
    with shapelint.trace(probe=False) as tracer:
        TwoReturns()(torch.randint(0, 30, (4, 4)))
    (finding,) = [f for f in tracer.findings if f.code == DeclaredLayoutViolation.code]
    source = Path(__file__).read_text(encoding="utf-8").splitlines()
    assert source[finding.line - 1].strip().startswith("def forward(self, tokens")
    assert '`TwoReturns` returns f32[4,4,6] (time=4 batch=4 feat=6), but its annotation declares "batch seq' in (
        finding.message
    )
    with shapelint.trace(probe=False) as tracer:
        TwoReturns()(torch.randint(0, 30, (4, 4)), True)
    assert tracer.findings == []


class _MeanPooler(nn.Module):
    """An LSTM over an Embedding without `padding_idx`, pooled by a plain mean over time."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embedding = nn.Embedding(30, 8)
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.lstm(self.embedding(tokens))[0].mean(1)


def test_trailing_zero_tokens_are_padding_without_a_padding_idx() -> None:
    padded = torch.tensor([[5, 7, 9, 2, 0, 0], [3, 4, 0, 0, 0, 0], [8, 8, 8, 8, 8, 8]])
    with shapelint.trace() as tracer:
        _MeanPooler()(padded)
    assert [finding.code for finding in tracer.findings] == ["SHP508"]


@pytest.mark.parametrize(
    "tokens",
    [
        [[5, 0, 9, 2, 4, 6], [3, 4, 7, 0, 1, 2], [8, 8, 8, 8, 8, 8]],  # 0 as a real token, among others
        [[5, 7, 9, 2, 4, 0], [3, 4, 7, 9, 1, 2], [8, 8, 8, 8, 8, 8]],  # one row ending in 0: no pattern
    ],
)
def test_zero_tokens_that_are_no_padding_are_left_alone(tokens: list[list[int]]) -> None:
    with shapelint.trace() as tracer:
        _MeanPooler()(torch.tensor(tokens))
    assert tracer.findings == []


class Gathered(nn.Module):
    """A bidirectional LSTM, packed or not, read at each sample's own positions ``summary(out, lengths)``."""

    def __init__(self, summary: str, packed: bool, batch_first: bool = True) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.summary, self.packed, self.batch_first = summary, packed, batch_first
        self.embedding = nn.Embedding(30, 4, padding_idx=0)
        self.lstm = nn.LSTM(4, 6, batch_first=batch_first, bidirectional=True)
        self.fc = nn.Linear(12, 2)

    def forward(self, tokens: Tensor) -> Tensor:
        lengths = (tokens != 0).sum(1)
        embeds = self.embedding(tokens if self.batch_first else tokens.t())
        if self.packed:
            packed = nn.utils.rnn.pack_padded_sequence(embeds, lengths, self.batch_first, enforce_sorted=False)
            out, _ = nn.utils.rnn.pad_packed_sequence(self.lstm(packed)[0], self.batch_first)
        else:
            out, _ = self.lstm(embeds)
        rows = torch.arange(tokens.size(0))
        return self.fc(eval(self.summary, {"torch": torch}, {"out": out, "lengths": lengths, "rows": rows}))


def _gathered_codes(summary: str, packed: bool, batch_first: bool = True) -> list[str]:
    with shapelint.trace() as tracer:
        Gathered(summary, packed, batch_first)(PADDED)
    return [finding.code for finding in tracer.findings]


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "padded"])
def test_each_samples_last_step_gathered_with_both_halves_is_flagged(packed: bool) -> None:
    assert _gathered_codes("out[rows, lengths - 1]", packed) == [BackwardLastStep.code]


def test_the_gathered_last_step_of_a_time_major_output_is_flagged() -> None:
    assert _gathered_codes("out[lengths - 1, rows]", packed=True, batch_first=False) == [BackwardLastStep.code]


@pytest.mark.parametrize(
    "summary",
    [
        "torch.cat([out[rows, lengths - 1, :6], out[:, 0, 6:]], -1)",  # each direction's own summary
        "out[rows, torch.zeros_like(lengths)]",  # the first step: the backward summary, and a forward read
        "out[rows, (lengths - 2).clamp(min=0)]",  # positions of the user's choosing (spans, entities)
    ],
)
def test_other_gathers_of_a_bidirectional_output_are_left_alone(summary: str) -> None:
    assert _gathered_codes(summary, packed=True) == []


def test_the_lengths_given_to_a_pack_tell_the_padding_without_a_padding_idx() -> None:
    class NoPaddingIdx(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.embedding, self.lstm = nn.Embedding(30, 4), nn.LSTM(4, 6, batch_first=True)

        def forward(self, tokens: Tensor, lengths: Tensor) -> Tensor:
            embeds = self.embedding(tokens)
            packed = nn.utils.rnn.pack_padded_sequence(embeds, lengths, batch_first=True, enforce_sorted=False)
            out, _ = nn.utils.rnn.pad_packed_sequence(self.lstm(packed)[0], batch_first=True)
            return out[:, -1]

    tokens = torch.tensor([[5, 6, 9, 9], [8, 9, 9, 9], [4, 3, 2, 1]])  # padded with 9, lengths tell
    with shapelint.trace() as tracer:
        NoPaddingIdx()(tokens, torch.tensor([2, 1, 4]))
    (finding,) = tracer.findings
    assert finding.code == LastStepPadding.code and "(real lengths 2, 1)" in finding.message
