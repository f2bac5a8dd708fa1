"""Phrases that several rules use to describe layouts in their messages."""

from __future__ import annotations

from shapelint.static.layout import WILDCARD, Entry, Padding, Role, Tensor
from shapelint.static.rules import SourceView
from shapelint.static.values import Stacking


def layout_words(tensor: Tensor) -> str:
    """``(batch, time, feat)``."""
    return f"({tensor.roles()})"


def origin_words(tensor: Tensor, source: SourceView) -> str:
    """Where the layout was learnt: ``output of the RNN (batch_first=True) at line 12``."""
    return f"{tensor.origin} at {source.at(tensor.where)}"


def entry_words(entries: tuple[Entry, ...]) -> str:
    """The target shape in roles: ``(time, batch, -1)``."""
    words = []
    for entry in entries:
        if entry == ():
            words.append("1")
        elif entry is WILDCARD:
            words.append("-1")
        elif isinstance(entry, tuple):
            words.append("*".join(atom.role.value if atom.role is not Role.UNKNOWN else "?" for atom in entry))
        else:
            words.append("?")
    return f"({', '.join(words)})"


def short(code: str, limit: int = 70) -> str:
    """One line of code for a message, cut at ``limit`` characters."""
    flat = " ".join(code.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def in_scope(padding: Padding) -> str:
    """Why a batch is padded when its lengths (or its mask) are at hand: ``lengths are in scope``."""
    name = padding.lengths_name
    if name is None or "len" in name:
        return "lengths are in scope"
    return f"`{name}` is in scope"


def padding_reason(padding: Padding, source: SourceView) -> str:
    """What says that an RNN's batch is padded: its data pipeline, the call that padded its batches, or
    the lengths in scope."""
    if padding.pipeline is not None:
        return padding.pipeline
    if padding.batches is not None:
        return batches_padded(padding.batches, source)
    return in_scope(padding)


def batches_padded(stacking: Stacking, source: SourceView) -> str:
    """``the batches are padded by `pad_sequence` at data.py:12``."""
    if stacking.by == "torchtext":
        return f"the batches come padded from torchtext's iterator at {source.at(stacking.call)}"
    return f"the batches are padded by `pad_sequence` at {source.at(stacking.call)}"


def padded_by(padding: Padding, source: SourceView) -> str:
    """Why a tensor's time axis holds padding, in words: ``pad_packed_sequence at line 12 padded it``,
    or ``the RNN at line 9 ran over padded steps (...)``, with the evidence that says so."""
    if padding.packed:
        said = f"`pad_packed_sequence` at {source.at(padding.where)} padded it"
    elif padding.tokens:
        said = f"the embedding at {source.at(padding.where)} looks up padded tokens ({padding_reason(padding, source)})"
    else:
        said = f"the RNN at {source.at(padding.where)} ran over padded steps ({padding_reason(padding, source)})"
    if padding.filled_at is not None:
        said += f", and its steps are written one by one into this tensor at {source.at(padding.filled_at)}"
    return said
