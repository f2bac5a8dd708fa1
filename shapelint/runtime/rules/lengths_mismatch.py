"""`pack_padded_sequence`'s lengths disagree with the padded tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapelint.findings import Finding
from shapelint.runtime.rules import RuntimeRule

if TYPE_CHECKING:
    from shapelint.runtime.observations import PackedLengths

_PACKED = """
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

torch.manual_seed(0)
embedding, lstm = nn.Embedding(50, 8, padding_idx=0), nn.LSTM(8, 16, batch_first=True)

def encode(tokens, lengths):
    return lstm(pack_padded_sequence(embedding(tokens), lengths, batch_first=True, enforce_sorted=False))

for rows in ({rows}):
    tokens = torch.tensor(rows)
    encode(tokens, {lengths})
"""
_RIGHT = "[[5, 6, 7, 0], [8, 9, 0, 0], [4, 0, 0, 0]], [[5, 6, 0, 0, 0], [8, 9, 3, 1, 2], [4, 4, 4, 0, 0]]"


class LengthsMismatch(RuntimeRule):
    """At run time, the lengths given to `pack_padded_sequence` do not match the tokens' padding.

    ## What it does
    When an `nn.Embedding` with `padding_idx` feeds a packed RNN, compares each sample's
    real tokens (those that are not `padding_idx`) with the lengths given to
    `pack_padded_sequence`: lengths that count differently (computed before truncation,
    after adding special tokens), or padding at the start of the sequences while packing
    keeps the first `length` steps.

    ## Why is this bad?
    Packing trusts the lengths: it feeds the RNN padding and drops real tokens, and the
    final state `h_n` is taken at the wrong step. Lengths larger than the sequence are not
    even checked by torch.

    ## Example
    ```python
    tokens = left_pad(batch)                 # [[0, 0, 5, 6], ...]
    packed = pack_padded_sequence(embedding(tokens), lengths, batch_first=True)
    ```

    ## Use instead
    ```python
    tokens = right_pad(batch)                # [[5, 6, 0, 0], ...]
    ```
    and compute `lengths` from the tokens you pack: `(tokens != pad).sum(1)`.
    """

    code = "SHP506"
    name = "lengths-mismatch"
    fix_title = "Pad on the right and compute lengths from the packed tokens"
    VALID = (
        _PACKED.format(rows=_RIGHT, lengths="(tokens != 0).sum(1)"),
        _PACKED.format(
            rows="[[5, 6], [7, 0]], [[5, 0, 0], [7, 8, 9]], [[1, 2, 3, 4], [1, 0, 0, 0]]",
            lengths="(tokens != 0).sum(1)",
        ),
    )
    INVALID = (
        # Lengths counted with an end-of-sentence token the batch no longer holds.
        _PACKED.format(rows=_RIGHT, lengths="((tokens != 0).sum(1) + 1).clamp(max=tokens.size(1))"),
        # Padding on the left.
        _PACKED.format(rows=_RIGHT, lengths="(tokens != 0).sum(1)").replace(
            "tokens = torch.tensor(rows)", "tokens = torch.tensor(rows).flip(1)"
        ),
    )

    @classmethod
    def finding(cls, pack: PackedLengths) -> Finding:
        if pack.tokens.left:
            problem = "the tokens are padded at the start, but packing keeps the first `length` steps of each sample"
        else:
            problem = f"per sample the tokens hold {pack.tokens.counts} real tokens, the lengths say {pack.lengths}"
        return cls.at(
            pack.where,
            f"`pack_padded_sequence` gets lengths that disagree with the tokens along {pack.batch} (the batch): "
            f"{problem}; the RNN reads padding and drops real tokens; pad on the right and use "
            "`lengths = (tokens != pad).sum(1)`",
        )
