"""Changing one sample's tokens changes other samples' outputs."""

from __future__ import annotations

from shapelint.findings import Finding
from shapelint.runtime.rules import RuntimeRule

_MODEL = """
import torch
from torch import nn

torch.manual_seed(0)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.lstm = nn.Embedding(50, 8), nn.LSTM(8, 16, batch_first=True)

    def forward(self, tokens):
        embeds = self.embedding(tokens)
{body}

Model()(torch.randint(1, 50, (3, 5)))
"""


def _model(body: str) -> str:
    return _MODEL.format(body="".join(f"        {line}\n" for line in body.splitlines()))


class BatchDependence(RuntimeRule):
    """At run time, a model's output for one sample depends on the other samples of its batch.

    ## What it does
    As a last resort, when nothing else tells which axis is the batch: on a model's first
    traced call, runs it twice more (eval mode, no gradients, random state kept) with
    sample 0 of its integer token input changed, once along each of the first two axes.
    A model that keeps samples apart changes the output of one sample only for one of the
    two (at its own index, or where a sort for packing moved it); if both change the
    outputs of more than one sample, the model mixes samples. Switch it off
    with `trace(probe=False)`.

    ## Why is this bad?
    A sequence model's prediction for one sentence must not depend on which other
    sentences share its batch. When it does, something re-cut or swapped the batch axis
    (often in an op the axis labels cannot see), and the model trains on scrambled data.

    ## Example
    ```python
    x = embeds - embeds.mean(0)   # batch statistics in the forward pass
    ```

    ## Use instead
    Move axes with `transpose`/`permute`; keep the batch axis whole until the loss.
    """

    code = "SHP507"
    name = "batch-dependence"
    fix_title = "Find where samples meet (the other findings, or `shapelint.checks`), and keep them apart"
    VALID = (
        _model("return self.lstm(embeds)[0]"),
        _model("out, _ = self.lstm(embeds)\nreturn out.mean(1)"),
        # Sorted longest first (as for packing) and left in that order: permuted, not mixed.
        _model("order = torch.tensor([1, 0, 2])\nreturn self.lstm(embeds[order])[0]"),
    )
    INVALID = (
        # Each sample gets its neighbour's embeddings: same shape, nothing re-cut, yet mixed.
        _model("return self.lstm(embeds.roll(1, dims=0) + embeds)[0]"),
        _model("return self.lstm(embeds - embeds.mean(0))[0]"),
    )

    @classmethod
    def finding(cls, place: str, model: str, source: str) -> Finding:
        return cls.at(
            place,
            f"changing sample 0 of `{source}` changes other samples' outputs of `{model}`, along either of its "
            "first two axes: the model mixes samples somewhere; use `transpose`/`permute` to move axes and keep "
            "batch statistics out of the forward pass",
        )
