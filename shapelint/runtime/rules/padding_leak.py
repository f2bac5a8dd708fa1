"""Padding taking part in a pooling over time."""

from __future__ import annotations

from shapelint.findings import Finding
from shapelint.runtime.axes import Origin
from shapelint.runtime.rules import RuntimeRule

_POOL = """
import torch
from torch import nn

torch.manual_seed(0)

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(50, 8, padding_idx=0)
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        real = (tokens != 0).unsqueeze(-1)
{pool}

encoder = Encoder()
for rows in ([[5, 6, 7, 0], [8, 9, 0, 0], [4, 3, 2, 1]], [[5, 6, 0, 0, 0], [8, 9, 3, 1, 2], [4, 4, 4, 0, 0]]):
    encoder(torch.tensor(rows))
"""


def _pool(body: str) -> str:
    return _POOL.format(pool="".join(f"        {line}\n" for line in body.splitlines()).rstrip("\n"))


# No `padding_idx`, and 1 pads: only the lengths given to the pack tell the padding.
_PACKED = """
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.lstm = nn.Embedding(50, 8), nn.LSTM(8, 16, batch_first=True)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True)
        real = (torch.arange(out.size(1)) < lengths[:, None]).unsqueeze(-1)
        return {pool}

Encoder()(torch.tensor([[5, 6, 1, 1], [7, 8, 9, 4], [3, 1, 1, 1]]), torch.tensor([2, 4, 1]))
"""


def _packed(pool: str) -> str:
    return _PACKED.format(pool=pool)


class PaddingLeak(RuntimeRule):
    """At run time, a mean, sum, max or softmax over time takes the padded steps in.

    ## What it does
    When an `nn.Embedding` with `padding_idx` (or, without one, the lengths given to
    `pack_padded_sequence`) has shown which steps of the batch are padding, checks every
    `mean`, `sum`, `max`, `amax` or `logsumexp` over the time axis of a tensor derived
    from it: a mean always counts the padded steps; a sum is wrong when the padded steps
    are not zero; a max when they are not `-inf`. And every `softmax` over that axis (as a
    function, a method or an `nn.Softmax`): it is wrong when a padded step gets a weight
    above 0, which a mask (a score of `-inf`, or one so negative that `exp` gives 0)
    prevents.

    ## Why is this bad?
    A sample's pooled vector then depends on how much padding its batch needed, that is on
    the other samples: the same sentence gets another representation in another batch. An
    attention softmax gives every step a positive weight: each sample gives part of its
    attention to padding, more the shorter it is than the longest sample of its batch.

    ## Example
    ```python
    out, _ = self.lstm(embeds)
    pooled = out.mean(dim=1)
    weights = torch.softmax(self.score(out).squeeze(-1), dim=1)
    ```

    ## Use instead
    ```python
    real = (tokens != pad).unsqueeze(-1)
    pooled = (out * real).sum(1) / real.sum(1)
    scores = self.score(out).squeeze(-1)
    weights = torch.softmax(scores.masked_fill(tokens == pad, float("-inf")), dim=1)
    ```
    """

    code = "SHP508"
    name = "padding-leak"
    fix_title = "Mask the padded steps before pooling or the softmax"
    VALID = (
        _pool("return (out * real).sum(1) / real.sum(1)"),
        _pool("return out.masked_fill(~real, float('-inf')).max(1).values"),
        # Rows sorted by length after the embedding, and masked in that order: the mask made from the
        # tokens lines up with other rows, which must not read as a leak.
        _pool(
            "order = real.sum((1, 2)).argsort(descending=True)\n"
            "steps, _ = self.lstm(self.embedding(tokens)[order])\n"
            "return (torch.tanh(steps) * real[order]).sum(1)"
        ),
        _packed("(out * real).sum(1) / real.sum(1)"),
        # Unpacking puts zeros at the padded steps: a plain sum adds nothing there.
        _packed("out.sum(1) / lengths[:, None]"),
        # Attention masked with a large negative score instead of -inf: exp gives the padded steps 0 all the same.
        _pool("scores = out[:, :, 0].masked_fill(tokens == 0, -1e9)\nreturn torch.softmax(scores, dim=1)"),
        # A softmax over each step's features, not over time.
        _pool("return torch.softmax(out, dim=-1)"),
    )
    INVALID = (
        _pool("return out.mean(dim=1)"),
        _pool("return torch.max(out, 1).values"),
        _packed("out.mean(dim=1)"),
        _pool("scores = out[:, :, 0]\nreturn torch.softmax(scores, dim=1)"),
        # Unpacking put zeros at the padded steps: exp(0) is no mask.
        _packed("torch.softmax(out[:, :, 0], dim=1)"),
    )

    @classmethod
    def finding(cls, place: str, pool: str, time: Origin, from_lengths: bool = False) -> Finding:
        """``from_lengths``: the padding is known from the lengths given to a pack, not from the tokens."""
        why = "the mean counts them" if pool in ("mean", "nanmean") else "they are not masked out"
        real = "torch.arange(x.size(1)) < lengths[:, None]" if from_lengths else "tokens != pad"
        return cls.at(
            place,
            f"`{pool}` over {time} (time) takes the padded steps in ({why}): a sample's result depends on its "
            f"batch; mask them first: use `(x * real).sum(1) / real.sum(1)` with `real = ({real}).unsqueeze(-1)`",
        )

    @classmethod
    def softmax_finding(
        cls, place: str, time: Origin, tensor: str, samples: tuple[int, int], scores: str, padded: str | None
    ) -> Finding:
        """``samples``: how many samples give weight to padding, of how many; ``scores``: the user's name for
        the softmax's input; ``padded``: the padded steps in the user's names, shaped like the scores (None
        when the run cannot write them so)."""
        fill = f'{scores}.masked_fill({padded or "mask == 0"}, float("-inf"))'
        mask = "" if padded else ", with `mask` true at the real steps"
        return cls.at(
            place,
            f"`softmax` over {time} (time) of {tensor} gives the padded steps weight for {samples[0]} of "
            f"{samples[1]} samples: each gives part of its attention to padding, more the shorter it is than the "
            f"longest of its batch; mask the scores first: use `{fill}` before the softmax{mask}",
        )
