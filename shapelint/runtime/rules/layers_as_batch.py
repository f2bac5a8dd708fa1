"""The layers*directions axis of an RNN's final state used where the batch should be."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapelint.findings import Finding
from shapelint.runtime.axes import Label
from shapelint.runtime.rules import RuntimeRule, where

if TYPE_CHECKING:
    from shapelint.runtime.observations import Observation

_STATE = """
import torch
from torch import nn

torch.manual_seed(0)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.lstm = nn.Embedding(50, 8), nn.LSTM(8, 16, num_layers=2, batch_first=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, tokens):
        out, (h_n, c_n) = self.lstm(self.embedding(tokens))
        return self.fc({pick})

model = Model()
for seq_len in (3, 5, 4):
    model(torch.randint(0, 50, (4, seq_len)))
"""


class LayersAsBatch(RuntimeRule):
    """At run time, `h_n`'s layers*directions axis reaches a layer, a loss or the output in place of the batch.

    ## What it does
    Flags a Linear, a loss or a model output whose input still carries the
    layers*directions axis of an RNN's final state after the batch axis was indexed
    away, as `h_n[:, -1]` does (written as if `h_n` were batch-first).

    ## Why is this bad?
    `h_n` is `(layers * directions, batch, hidden)` whatever `batch_first` says.
    `h_n[:, -1]` keeps every layer of the last sample; downstream, layers pass for
    samples. With batch == layers nothing even fails.

    ## Example
    ```python
    out, (h_n, c_n) = self.lstm(x)   # batch_first=True, num_layers=2
    logits = self.fc(h_n[:, -1])
    ```

    ## Use instead
    ```python
    logits = self.fc(h_n[-1])        # the last layer, every sample
    ```
    """

    code = "SHP504"
    name = "layers-as-batch"
    fix_title = "Index the layers axis of `h_n` (`h_n[-1]`), not its batch axis"
    VALID = (_STATE.format(pick="h_n[-1]"), _STATE.format(pick="h_n.transpose(0, 1).reshape(-1, 32)[:, :16]"))
    INVALID = (_STATE.format(pick="h_n[:, -1]"), _STATE.format(pick="c_n[:, 0, :]"))

    @classmethod
    def finding(cls, observation: Observation, label: Label) -> Finding:
        origin = label.origins[0]
        return cls.at(
            label.moved_at or observation.where,
            f"the batch axis was indexed away here, and {origin} reaches {where(observation)} in its place: "
            "layers pass for samples; `h_n` is (layers*dirs, batch, hidden) whatever `batch_first` says, "
            "so use `h_n[-1]` for the last layer of every sample",
        )
