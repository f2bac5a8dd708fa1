"""An RNN reads the batch axis as time, or the time axis as the batch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapelint.findings import Finding
from shapelint.runtime.axes import Label, Origin
from shapelint.runtime.examples import pipeline
from shapelint.runtime.rules import RuntimeRule, where

if TYPE_CHECKING:
    from shapelint.runtime.observations import Observation

_SIZES = "[(3, 3), (3, 5), (3, 6)]"


class BatchTimeSwap(RuntimeRule):
    """At run time, an RNN runs along the batch axis (or across the time axis).

    ## What it does
    Once the run has shown which input axis is the batch (a declaration, or the batch
    keeping its size across calls while the sequence length changes, or the lengths
    given to `pack_padded_sequence`, or an initial state's batch size), flags an RNN whose
    time slot holds the batch axis, or whose batch slot holds the time axis. This is how
    `embeds.view(len(sentence), batch_size, -1)` shows when batch == seq_len: the view
    moves nothing, and a time-major LSTM then runs through the batch.

    ## Why is this bad?
    The recurrence carries state from one sample to the next instead of from one token
    to the next: every shape fits, and the model cannot learn.

    ## Example
    ```python
    x = embeds.view(seq_len, batch_size, -1)   # batch == seq_len in this batch
    out, _ = self.lstm(x)                       # time-major
    ```

    ## Use instead
    ```python
    out, _ = self.lstm(embeds.transpose(0, 1))  # or build the LSTM with batch_first=True
    ```
    """

    code = "SHP502"
    name = "batch-time-swap"
    fix_title = "Give the RNN the layout its `batch_first` expects"
    # Batches padded to their own longest sequence: the time size changes, the batch size does not.
    VALID = (
        pipeline("return self.lstm(embeds)[0]", lstm=", batch_first=True", sizes=_SIZES),
        pipeline("return self.lstm(embeds.transpose(0, 1))[0]", sizes=_SIZES),
    )
    INVALID = (
        pipeline("return self.lstm(embeds)[0]", sizes=_SIZES),
        # The first batch is square: there the view moves nothing, and the LSTM runs across the batch.
        pipeline("b, t = tokens.shape\nreturn self.lstm(embeds.view(t, b, -1))[0]", sizes=_SIZES),
    )

    @classmethod
    def finding(cls, observation: Observation, label: Label, origin: Origin, role: str) -> Finding:
        slot = "time" if role == "batch" else "batch"
        place = label.moved_at or observation.where
        return cls.at(
            place,
            f"{origin} is the {role} (the run shows it), but {where(observation)} reads it as {slot}"
            f"{' after this view/transpose' if label.moved_at else ''}: the recurrence runs across the {role}; "
            "use `x.transpose(0, 1)` or build the RNN with the matching `batch_first`",
        )
