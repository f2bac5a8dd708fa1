"""One sample picked and its time steps passed on as samples: an RNN output's batch axis indexed away, or a
batch-first tensor stepped sample by sample into an RNN cell."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from shapelint.findings import Finding
from shapelint.runtime.axes import Origin
from shapelint.runtime.examples import pipeline
from shapelint.runtime.rules import RuntimeRule, where

if TYPE_CHECKING:
    from shapelint.runtime.observations import Observation

_SIZES = "[(3, 4), (3, 6), (3, 5)]"  # the time size changes from batch to batch: the run tells the time axis
_TIME_MAJOR = "out, _ = self.lstm(embeds.transpose(0, 1))\n"
_UNPACKED = (
    "lengths = [tokens.size(1)] * tokens.size(0)\n"
    "packed = nn.utils.rnn.pack_padded_sequence(embeds, lengths, batch_first=True)\n"
    "out, _ = nn.utils.rnn.pad_packed_sequence(self.lstm(packed)[0])\n"
)

# A hand-written recurrence: a GRU cell stepped through the embedded tokens, from the initial `state`.
_CELL = """
import torch
from torch import nn

torch.manual_seed(0)

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.cell = nn.Embedding(50, 8), nn.GRUCell(8, 16)

    def forward(self, tokens):
        embeds = self.embedding(tokens{transpose})
        h = {state}
        for t in range(embeds.size({steps})):
            h = self.cell({step}, h)
        return h

encoder = Encoder()
for batch_size, seq_len in {sizes}:
    encoder(torch.randint(1, 50, (batch_size, seq_len)))
"""


def _cell(step: str, sizes: str, state: str = "embeds.new_zeros(embeds.size(0), 16)", time_major: bool = False) -> str:
    """``step``: what the cell reads at step ``t`` of batch-first ``embeds`` (time-major with ``time_major``)."""
    transpose, steps = (".t()", 0) if time_major else ("", 1)
    return _CELL.format(transpose=transpose, state=state, steps=steps, step=step, sizes=sizes)


class StepsAsBatch(RuntimeRule):
    """At run time, one sample is picked and its time steps pass for the batch.

    ## What it does
    Flags an index at -1 that drops the batch axis of an RNN-like tensor (batch, time and
    features) and keeps its time axis, when the result reaches a Linear, a loss or the
    model's output with no batch axis left: `out[:, -1]` on a `(time, batch, hidden)`
    output, as after `pad_packed_sequence` with its default `batch_first=False`. A batch
    of one, and a loop over the samples (`out[:, b]`), are not judged.

    It also flags an `nn.LSTMCell`, `nn.GRUCell` or `nn.RNNCell` whose input rows are the
    time axis: a hand-written recurrence stepping `x[t]` through a batch-first `x`. Which
    axis is the batch, the run shows (a declaration, the time size changing from batch to
    batch), or the state the cell is given: it has one row per sample, and where batch ==
    seq_len the call runs again one sample short, where the state's rows follow the batch.
    A cell given one row (`x[0, t:t + 1]` of a batch of one) is not judged.

    ## Why is this bad?
    In a `(time, batch, hidden)` tensor, `out[:, -1]` is every time step of the last
    sample, not the last step of every sample. The next layer treats time steps as
    samples; with batch == seq every shape looks right. A cell stepped over `x[t]` of a
    `(batch, time, emb)` tensor reads sample `t`'s tokens side by side as its batch: the
    recurrence runs across the samples, each carrying its state into the next.

    ## Example
    ```python
    out, _ = pad_packed_sequence(packed_out)       # (seq, batch, hidden) by default
    logits = self.fc(out[:, -1])
    for t in range(embeds.size(1)):                # embeds: (batch, time, emb)
        h, c = self.cell(embeds[t], (h, c))
    ```

    ## Use instead
    ```python
    out, _ = pad_packed_sequence(packed_out, batch_first=True)
    logits = self.fc(out[torch.arange(out.size(0)), lengths - 1])
    for t in range(embeds.size(1)):
        h, c = self.cell(embeds[:, t], (h, c))
    ```
    """

    code = "SHP513"
    name = "steps-as-batch"
    fix_title = "Index the time axis, or unpack with the layout you index"
    VALID = (
        pipeline("out, _ = self.lstm(embeds)\nreturn self.fc(out[:, -1])", lstm=", batch_first=True", sizes=_SIZES),
        pipeline(_TIME_MAJOR + "return self.fc(out[-1])", sizes=_SIZES),
        # Every sample in turn, each with all its steps: the batch is rebuilt, not replaced.
        pipeline(
            _TIME_MAJOR + "return torch.stack([self.fc(out[:, b]).mean(0) for b in range(len(tokens))])", sizes=_SIZES
        ),
        # A batch of one: picking it drops nothing.
        pipeline(_TIME_MAJOR + "return self.fc(out[:, -1])", sizes="[(1, 4), (1, 6), (1, 5)]"),
        _cell("embeds[:, t]", "[(4, 4)]"),
        # Time-major: `embeds[t]` is step t of every sample, on a square batch too.
        _cell("embeds[t]", "[(4, 4), (3, 5)]", "embeds.new_zeros(embeds.size(1), 16)", time_major=True),
        # One sample, one step at a time: its row is a time step, and the only sample.
        _cell("embeds[0, t:t + 1]", "[(1, 4), (1, 6), (1, 5)]", "embeds.new_zeros(1, 16)"),
    )
    INVALID = (
        pipeline(_TIME_MAJOR + "return self.fc(out[:, -1])", sizes=_SIZES),
        pipeline(_UNPACKED + "return self.fc(out[:, -1, :])", sizes=_SIZES),
        # A square batch: every shape fits; the state, built for the batch, shows which axis that is.
        _cell("embeds[t]", "[(4, 4)]"),
        # No initial state; the time size changes from batch to batch.
        _cell("embeds[t]", "[(6, 3), (6, 5), (6, 4)]", "None"),
    )

    @classmethod
    def finding(cls, observation: Observation, place: str, batch: Origin, size: int, tensor: str) -> Finding:
        """``batch``/``size``: the axis indexed away; ``tensor``: what was indexed, in words."""
        return cls.at(
            place,
            f"indexing at -1 here picks the last sample of {tensor}, dropping {batch} (batch={size}), and its "
            f"time steps reach {where(observation)} in place of the batch; for the last step of every sample "
            "index the time axis (`out[-1]` when time-major), or unpack with `batch_first=True` and use "
            "`out[torch.arange(out.size(0)), lengths - 1]`",
        )

    @classmethod
    def cell_finding(cls, observation: Observation, time: Origin, picked: str | None) -> Finding:
        """``time``: the axis in the cell's batch slot; ``picked``: the index that put it there, as written."""
        # `embeds[t]` took the batch axis that leads a batch-first tensor: step t is `embeds[:, t]`.
        indexed = re.fullmatch(r"([\w.]+)\[(\w+)\]", picked or "")
        fix = (
            f"use `{indexed[1]}[:, {indexed[2]}]`"
            if indexed
            else "use `x[:, t]` of a batch-first `x`, `x[t]` of a time-major one"
        )
        how = f"`{picked}` picked one sample, and " if picked else ""
        return cls.at(
            observation.where,
            f"{where(observation)} reads {time} (time) as its batch: {how}its time steps pass for the samples, so "
            f"the recurrence runs across the batch, not along time; step through the time axis: {fix}",
        )
