"""The behavioural checks tell a buggy model from a fixed one, whatever the sizes, and say what failed."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

from shapelint.checks import (  # noqa: E402
    CheckError,
    batch_independence,
    device_agreement,
    padding_invariance,
    parameter_use,
    reference_equivalence,
)


class Tagger(nn.Module):
    """Embedding -> view or transpose -> time-major LSTM, the seed's pipeline."""

    def __init__(self, transpose: bool) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.transpose = transpose
        self.embedding, self.lstm = nn.Embedding(30, 4, padding_idx=0), nn.LSTM(4, 6)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        embeds = self.embedding(tokens)
        batch_size, seq_len = tokens.shape
        x = embeds.transpose(0, 1) if self.transpose else embeds.view(seq_len, batch_size, -1)
        return self.lstm(x)[0]  # (seq, batch, hidden)


class Pooler(nn.Module):
    """A packed LSTM, pooled over time: masked or not."""

    def __init__(self, masked: bool) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.masked = masked
        self.embedding, self.lstm = nn.Embedding(30, 4, padding_idx=0), nn.LSTM(4, 6, batch_first=True)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True)
        if not self.masked:
            return out.mean(1)
        lengths = lengths.to(out.device)  # packing wants them on the CPU; the mask lives with `out`
        real = (torch.arange(out.size(1), device=out.device)[None, :] < lengths[:, None]).unsqueeze(-1)
        return (out * real).sum(1) / lengths[:, None]


@pytest.mark.parametrize("shape", [(2, 3), (4, 4)], ids=["batch!=seq", "batch==seq"])
def test_batch_independence_tells_the_view_from_the_transpose(shape: tuple[int, int]) -> None:
    tokens = torch.randint(1, 30, shape)
    buggy = batch_independence(Tagger(transpose=False), tokens, output_batch_dim=1)
    assert not buggy and "sample 0's output depends on sample 1's input" in str(buggy)
    assert batch_independence(Tagger(transpose=True), tokens, output_batch_dim=1)


def test_a_square_batch_needs_no_output_batch_dim() -> None:
    """The seed's square case: every output axis but one has the batch's size; the one that shrinks
    with a sample fewer is the batch's."""
    tokens = torch.randint(1, 30, (4, 4))
    buggy = batch_independence(Tagger(transpose=False), tokens)
    assert not buggy and "sample 0's output depends on sample 1's input" in str(buggy)
    assert batch_independence(Tagger(transpose=True), tokens)


def test_a_model_that_changes_its_input_in_place_is_checked() -> None:
    class Zeroing(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gru = nn.GRU(3, 5, batch_first=True)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x[:, 0] = 0.0  # a real model's in-place masking of its first step
            return self.gru(x)[0]

    features = torch.randn(2, 4, 3)
    before = features.clone()
    assert batch_independence(Zeroing(), features)
    assert torch.equal(features, before)  # the check ran the model on copies


def test_batch_independence_under_the_tracer_says_where_samples_mix() -> None:
    tokens = torch.randint(1, 30, (2, 3))
    buggy = batch_independence(Tagger(transpose=False), tokens, output_batch_dim=1, trace=True)
    (where,) = [line for line in buggy.details if line.startswith("where: ")]
    view_line = next(n for n, line in enumerate(Path(__file__).read_text().splitlines(), 1) if ".view(seq_len" in line)
    assert where.startswith(f"where: {Path(__file__).relative_to(Path.cwd())}:{view_line}: SHP501 ")
    assert "reaches `lstm`" in where
    assert batch_independence(Tagger(transpose=True), tokens, output_batch_dim=1, trace=True).details == ()


def test_batch_independence_without_a_floating_path_perturbs_tokens() -> None:
    class Counting(nn.Module):
        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            return (tokens + tokens.roll(1, dims=0)).float()  # sample i sees sample i-1

    result = batch_independence(Counting(), torch.randint(1, 9, (3, 4)))
    assert not result and "sample 1's output depends on sample 0's input" in str(result)


def test_padding_invariance_and_reference_equivalence_tell_masked_from_unmasked_pooling() -> None:
    tokens = torch.tensor([[5, 6, 7, 8], [3, 4, 0, 0], [9, 0, 0, 0]])
    lengths = torch.tensor([4, 2, 1])
    assert padding_invariance(Pooler(masked=True), tokens, lengths, pad_idx=0)
    assert reference_equivalence(Pooler(masked=True), tokens, lengths)
    leaky = reference_equivalence(Pooler(masked=False), tokens, lengths)
    assert not leaky and "sample 1 batched differs from sample 1 alone" in str(leaky)


def test_padding_invariance_catches_padding_that_the_model_reads() -> None:
    class Unpacked(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.embedding, self.lstm = nn.Embedding(30, 4), nn.LSTM(4, 6, batch_first=True)

        def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
            return self.lstm(self.embedding(tokens))[0][:, -1]  # the step after the padding

    tokens, lengths = torch.tensor([[5, 6, 7], [3, 0, 0]]), torch.tensor([3, 1])
    result = padding_invariance(Unpacked(), tokens, lengths, pad_idx=0)
    assert not result and "more padding: sample 1's output changes" in str(result)


def test_padding_invariance_compares_per_step_outputs_on_the_real_steps_only() -> None:
    class StepTagger(nn.Module):  # unpacked, unidirectional: padding comes after every real step
        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.embedding, self.lstm = nn.Embedding(30, 4), nn.LSTM(4, 6, batch_first=True)

        def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
            return self.lstm(self.embedding(tokens))[0]

    tokens, lengths = torch.tensor([[5, 6, 7], [3, 0, 0]]), torch.tensor([3, 1])
    assert padding_invariance(StepTagger(), tokens, lengths, pad_idx=0)


class BiClassifier(nn.Module):
    """A bidirectional LSTM read through `h_n[-1]` (the backward direction alone) or both directions."""

    def __init__(self, both: bool, softmax: bool = False) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.both, self.softmax = both, softmax
        self.embedding = nn.Embedding(30, 4)
        self.lstm = nn.LSTM(4, 6, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(12 if both else 6, 3)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h_n = self.lstm(self.embedding(tokens))[1][0]
        logits = self.fc(torch.cat([h_n[-2], h_n[-1]], dim=-1) if self.both else h_n[-1])
        return logits.softmax(-1) if self.softmax else logits


@pytest.mark.parametrize("softmax", [False, True], ids=["logits", "softmax"])
def test_parameter_use_names_the_parameters_that_never_reach_the_output(softmax: bool) -> None:
    tokens = torch.randint(0, 30, (2, 5))
    dropped = parameter_use(BiClassifier(both=False, softmax=softmax), tokens)
    assert not dropped
    assert dropped.details == tuple(
        f"lstm.{name}_l0 gets no gradient: it never reaches the output"
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    )  # the forward direction; softmax outputs, which always sum to one, do not hide it
    assert parameter_use(BiClassifier(both=True, softmax=softmax), tokens)


def test_device_agreement_skips_cleanly_without_cuda() -> None:
    result = device_agreement(Tagger(transpose=True), torch.randint(1, 30, (2, 3)))
    if torch.cuda.is_available():
        assert result, str(result)
    else:
        assert result and str(result) == "device agreement: skipped (no cuda device)"


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_device_agreement_on_cuda_keeps_lengths_on_the_cpu() -> None:
    tokens, lengths = torch.tensor([[5, 6, 7, 8], [3, 4, 0, 0]]), torch.tensor([4, 2])
    assert device_agreement(Pooler(masked=True), tokens, lengths), "cuda and cpu disagree"


def test_bad_arguments_are_clear_errors() -> None:
    tokens = torch.randint(1, 30, (2, 3))
    with pytest.raises(CheckError, match="batch_dim=5 is not an axis"):
        batch_independence(Tagger(transpose=True), tokens, batch_dim=5)

    class Constant(nn.Module):  # two axes of the batch's size, and neither follows the batch
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(30, 3)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            return self.embedding(tokens).sum() * torch.ones(3, 3)

    with pytest.raises(CheckError, match="cannot tell the output's batch axis"):
        batch_independence(Constant(), torch.randint(1, 30, (3, 3)))
    with pytest.raises(CheckError, match="lengths must hold one length per sample"):
        padding_invariance(Pooler(masked=True), tokens, torch.tensor([3]), pad_idx=0)

    class Broken(nn.Module):
        def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
            raise ValueError("no such vocabulary")

    with pytest.raises(CheckError, match="the model raised on the check's input: ValueError: no such vocabulary"):
        reference_equivalence(Broken(), tokens, torch.tensor([3, 2]))
