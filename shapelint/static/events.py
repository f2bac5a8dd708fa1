"""What the inference tells the rules: one event per interesting call, with the layouts it knew."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from shapelint.static.layout import Alignment, Entry, Tensor


@dataclass(frozen=True)
class ReshapeEvent:
    """A ``view``/``reshape``/``flatten`` of a tensor whose layout is known.

    ``entries`` is the target shape as the inference read it (for ``flatten`` it is
    rebuilt from the input's axes); ``receiver`` is the expression for the tensor.
    """

    call: cst.Call
    op: str
    receiver: cst.BaseExpression
    tensor: Tensor
    entries: tuple[Entry, ...]
    alignment: Alignment


@dataclass(frozen=True)
class PackEvent:
    """``pack_padded_sequence(x, lengths, batch_first=...)`` with a literal ``batch_first``."""

    call: cst.Call
    receiver: cst.BaseExpression
    tensor: Tensor
    batch_first: bool


Event = ReshapeEvent | PackEvent
