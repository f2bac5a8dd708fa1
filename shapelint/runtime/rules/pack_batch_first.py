"""`pack_padded_sequence` told a `batch_first` that the run contradicts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapelint.findings import Finding
from shapelint.runtime.axes import Origin
from shapelint.runtime.rules import RuntimeRule

if TYPE_CHECKING:
    from shapelint.runtime.observations import Observation

_PACK = """
import torch
from jaxtyping import Int
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence

torch.manual_seed(0)
embedding, lstm = nn.Embedding(50, 8), nn.LSTM(8, 16)

class Model(nn.Module):
    def forward(self, tokens: Int[Tensor, "batch seq"], lengths):
        return lstm(pack_padded_sequence(embedding(tokens), lengths, batch_first={flag}, enforce_sorted=False))

model = Model()
for lengths in ([4, 2, 3, 1], [4, 4, 1, 2]):
    model(torch.randint(0, 50, (4, 4)), torch.tensor(lengths))
"""


class PackBatchFirst(RuntimeRule):
    """At run time, `pack_padded_sequence` reads the time axis as the batch.

    ## What it does
    Flags `pack_padded_sequence(x, lengths, batch_first=F)` when the run has shown that
    the axis `F` makes the batch is in fact the time axis of `x` (its lengths name the
    other axis, or the declared layout says so).

    ## Why is this bad?
    With batch != seq torch raises a confusing error about `len(lengths)`; with batch ==
    seq it packs all steps of one sample as one time step, silently.

    ## Example
    ```python
    packed = pack_padded_sequence(embeds, lengths)   # embeds: (batch, seq, emb)
    ```

    ## Use instead
    ```python
    packed = pack_padded_sequence(embeds, lengths, batch_first=True)
    ```
    """

    code = "SHP503"
    name = "pack-batch-first"
    fix_title = "Pass the `batch_first` that matches the tensor"
    # batch == seq: with the wrong flag torch does not even raise; the declared layout tells.
    VALID = (_PACK.format(flag=True), _PACK.format(flag=True).replace('"batch seq"', '"b t"'))
    INVALID = (_PACK.format(flag=False), _PACK.format(flag=False).replace("[4, 4, 1, 2]", "[4, 3, 1, 2]"))

    @classmethod
    def finding(cls, observation: Observation, origin: Origin) -> Finding:
        told = "True" if observation.batch_first else "False"
        right = "False" if observation.batch_first else "True"
        return cls.at(
            observation.where,
            f"`pack_padded_sequence(..., batch_first={told})` reads {origin} as the batch, but the run shows it is "
            f"the time axis: sequences are packed across samples; pass `batch_first={right}`",
        )
