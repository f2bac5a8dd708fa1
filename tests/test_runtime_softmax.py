"""SHP508 for a softmax at run time: attention weights given to padded steps, and what is left alone."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
from torch import Tensor, nn  # noqa: E402

import shapelint  # noqa: E402

# Two sentences of 3 and 5 tokens, padded with 0; a batch of two reads as padded whether its rows or its
# columns are the samples, so the lengths given beside the tokens tell which.
TOKENS = torch.tensor([[4, 9, 2, 0, 0], [7, 1, 3, 8, 6]])
LENGTHS = torch.tensor([3, 5])
FULL = torch.tensor([[4, 9, 2, 5, 5], [7, 1, 3, 8, 6]])


class Attention(nn.Module):
    """An LSTM over a padded batch whose steps are weighed by a softmax of their scores."""

    def __init__(self, weigh: str, time_major: bool = False) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.weigh, self.time_major = weigh, time_major
        self.embedding = nn.Embedding(10, 4, padding_idx=0)
        self.lstm = nn.LSTM(4, 6, batch_first=not time_major)
        self.score = nn.Linear(6, 1)

    def forward(self, tokens: Tensor, lengths: Tensor) -> Tensor:
        embeds = self.embedding(tokens.t() if self.time_major else tokens)
        out, _ = self.lstm(embeds)
        scores = self.score(out).squeeze(-1)
        real = torch.arange(tokens.size(1))[None, :] < lengths[:, None]
        if self.weigh == "plain":
            weights = torch.softmax(scores, dim=0 if self.time_major else 1)
        elif self.weigh == "-inf":
            weights = torch.softmax(scores.masked_fill(~real, float("-inf")), dim=1)
        elif self.weigh == "-1e9":
            weights = scores.masked_fill(real == 0, -1e9).softmax(dim=-1)
        else:  # over each step's features: nothing to do with time
            return torch.softmax(out, dim=-1)
        if self.time_major:
            weights = weights.t()
        return (out * weights.unsqueeze(-1)).sum(1) if not self.time_major else weights


def _traced(model: nn.Module, tokens: Tensor, lengths: Tensor = LENGTHS) -> list[shapelint.Finding]:
    with shapelint.trace() as tracer:
        model(tokens, lengths)
    return tracer.findings


def test_an_unmasked_softmax_over_time_is_flagged_at_its_line() -> None:
    (finding,) = _traced(Attention("plain"), TOKENS)
    assert finding.code == "SHP508"
    assert finding.line == Attention.forward.__code__.co_firstlineno + 6
    assert "`softmax` over axis 1 of `tokens` (time) of f32[2,5] (batch=2 time=5)" in finding.message
    assert "for 1 of 2 samples" in finding.message


# Three sentences: only the rows read as padded, so the tokens tell the padding by themselves.
THREE = torch.tensor([[4, 9, 2, 0, 0], [7, 1, 3, 8, 6], [5, 0, 0, 0, 0]])


@pytest.mark.parametrize(
    ("tokens", "lengths", "time_major", "mask"),
    [
        (TOKENS, LENGTHS, False, "torch.arange(scores.size(1)) >= lengths[:, None]"),
        (TOKENS, LENGTHS, True, "(torch.arange(scores.size(0)) >= lengths[:, None]).t()"),
        (THREE, torch.tensor([3, 5, 1]), False, "tokens == 0"),
        (THREE, torch.tensor([3, 5, 1]), True, "(tokens == 0).t()"),
    ],
)
def test_the_fix_masks_the_scores_in_the_users_names_and_layout(
    tokens: Tensor, lengths: Tensor, time_major: bool, mask: str
) -> None:
    (finding,) = _traced(Attention("plain", time_major), tokens, lengths)
    assert f'use `scores.masked_fill({mask}, float("-inf"))` before the softmax' in finding.message


def test_the_weighted_sum_of_those_weights_is_not_a_second_finding_but_another_sum_is() -> None:
    class TwoSums(Attention):
        def forward(self, tokens: Tensor, lengths: Tensor) -> Tensor:
            out, _ = self.lstm(self.embedding(tokens))
            weights = torch.softmax(self.score(out).squeeze(-1), dim=1)
            return (out * weights.unsqueeze(-1)).sum(1) + out.sum(1)

    findings = _traced(TwoSums("plain"), TOKENS)
    assert [(f.code, f.line - TwoSums.forward.__code__.co_firstlineno) for f in findings] == [
        ("SHP508", 2),
        ("SHP508", 3),
    ]
    assert "`sum` over axis 1 of `tokens`" in findings[1].message
    assert "`out.sum(1)`" in findings[1].message


@pytest.mark.parametrize(
    ("weigh", "tokens"),
    [
        ("-inf", TOKENS),  # masked: the padded steps get weight 0
        ("-1e9", TOKENS),  # masked with a large negative score: exp gives them 0 all the same
        ("features", TOKENS),  # a softmax over each step's features
        ("plain", FULL),  # no padding in this batch: every step is real
    ],
)
def test_what_gives_padding_no_weight_is_left_alone(weigh: str, tokens: Tensor) -> None:
    assert _traced(Attention(weigh), tokens) == []


def test_only_lengths_that_count_the_real_tokens_of_the_rows_tell_the_padding() -> None:
    # One label per sample is no count of tokens: the batch of two stays ambiguous, and nothing is judged.
    assert _traced(Attention("plain"), TOKENS, torch.tensor([1, 0])) == []
    assert [f.code for f in _traced(Attention("plain"), TOKENS, LENGTHS)] == ["SHP508"]


def test_the_softmax_check_leaves_outputs_and_gradients_bitwise_identical() -> None:
    def step() -> tuple[Tensor, ...]:
        model = Attention("plain")
        logits = model(TOKENS, LENGTHS)
        logits.pow(2).sum().backward()
        return (logits.detach(), *(p.grad.clone() for p in model.parameters() if p.grad is not None))

    plain = step()
    with shapelint.trace() as tracer:
        traced = step()
    assert all(torch.equal(a, b) for a, b in zip(plain, traced, strict=True))
    assert [f.code for f in tracer.findings] == ["SHP508"]
