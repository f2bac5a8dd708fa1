"""The batch axis of an RNN's output indexed away, its time steps passed on as samples."""

from __future__ import annotations

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


class StepsAsBatch(RuntimeRule):
    """At run time, `out[:, -1]` of a time-major output picks a sample, and its time steps pass for the batch.

    ## What it does
    Flags an index at -1 that drops the batch axis of an RNN-like tensor (batch, time and
    features) and keeps its time axis, when the result reaches a Linear, a loss or the
    model's output with no batch axis left: `out[:, -1]` on a `(time, batch, hidden)`
    output, as after `pad_packed_sequence` with its default `batch_first=False`. A batch
    of one, and a loop over the samples (`out[:, b]`), are not judged.

    ## Why is this bad?
    In a `(time, batch, hidden)` tensor, `out[:, -1]` is every time step of the last
    sample, not the last step of every sample. The next layer treats time steps as
    samples; with batch == seq every shape looks right.

    ## Example
    ```python
    out, _ = pad_packed_sequence(packed_out)       # (seq, batch, hidden) by default
    logits = self.fc(out[:, -1])
    ```

    ## Use instead
    ```python
    out, _ = pad_packed_sequence(packed_out, batch_first=True)
    logits = self.fc(out[torch.arange(out.size(0)), lengths - 1])
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
    )
    INVALID = (
        pipeline(_TIME_MAJOR + "return self.fc(out[:, -1])", sizes=_SIZES),
        pipeline(_UNPACKED + "return self.fc(out[:, -1, :])", sizes=_SIZES),
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
