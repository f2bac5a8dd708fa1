"""The reference families: which variants are buggy, which fixed, at which sizes, fed how."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import torch

MODELS = Path(__file__).parent / "models"
VOCAB_SIZE = 20
PAD_IDX = 0
FIRST_WORD = 2  # 0 pads, 1 starts a decoded sequence


@dataclass(frozen=True)
class Sizes:
    """A batch's size and its padded length."""

    batch: int
    seq: int

    def __str__(self) -> str:
        return f"B={self.batch} T={self.seq}"


@dataclass(frozen=True)
class Variant:
    """One model file of a family: ``build(batch_size, seq_len)`` in ``models/<name>.py``.

    ``fixed_length``: the model takes exactly ``seq_len`` steps (a Linear over every step's
    state), so checks that change the length (padding invariance, reference equivalence)
    do not apply to it, nor to what `--fix` makes of it.
    """

    name: str
    buggy: bool
    fixed_length: bool = False

    @property
    def path(self) -> Path:
        return MODELS / f"{self.name}.py"

    def load(self) -> ModuleType:
        return importlib.import_module(f"shapelint.reference.models.{self.name}")


def _tokens_and_lengths(tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[Any, ...]:
    return (tokens, lengths)


def _copy_task(tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[Any, ...]:
    return (tokens, lengths, tokens)  # the decoder is taught to copy its source


@dataclass(frozen=True)
class Family:
    """A pipeline the seed's mistakes live in, with its buggy and fixed variants.

    ``sizes`` always holds a batch that differs from the sequence length and one where the
    two agree (for the context window: the number of windows, ``seq - 1``), where wrong
    code has the right shapes. ``feed`` turns ``(tokens, lengths)`` into the model's inputs.
    """

    name: str
    title: str
    variants: tuple[Variant, ...]
    sizes: tuple[Sizes, ...]
    feed: Callable[[torch.Tensor, torch.Tensor], tuple[Any, ...]] = _tokens_and_lengths

    def batch(self, sizes: Sizes, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
        """A padded batch, longest first: ``tokens`` (batch, seq) and CPU ``lengths`` (batch,)."""
        generator = torch.Generator().manual_seed(seed)
        shortest = max(3, sizes.seq // 2)
        lengths = torch.linspace(sizes.seq, shortest, sizes.batch).round().long()
        tokens = torch.randint(FIRST_WORD, VOCAB_SIZE, (sizes.batch, sizes.seq), generator=generator)
        tokens[torch.arange(sizes.seq)[None, :] >= lengths[:, None]] = PAD_IDX
        return tokens, lengths


_SQUARE_AND_NOT = (Sizes(batch=3, seq=5), Sizes(batch=4, seq=4))

FAMILIES = (
    Family(
        "view-as-transpose",
        "Embedding -> view(len(sentence), batch, -1) -> LSTM -> Linear",
        (
            Variant("view_transpose_buggy", buggy=True),
            Variant("view_transpose_fixed", buggy=False),
            Variant("view_transpose_batch_first", buggy=False),
        ),
        _SQUARE_AND_NOT,
    ),
    Family(
        "context-window",
        "the seed's unfold + view context window, packed with batch_first=False",
        (
            Variant("context_window_buggy", buggy=True),
            Variant("context_window_reshape_buggy", buggy=True),
            Variant("context_window_fixed", buggy=False),
        ),
        (Sizes(batch=3, seq=6), Sizes(batch=5, seq=6)),
    ),
    Family(
        "flatten-time-major",
        "a time-major LSTM output flattened into a Linear",
        (
            Variant("flatten_time_major_buggy", buggy=True, fixed_length=True),
            Variant("flatten_time_major_last_state", buggy=False),
            Variant("flatten_time_major_masked_pool", buggy=False),
        ),
        _SQUARE_AND_NOT,
    ),
    Family(
        "bidirectional-last-state",
        "h_n[-1] of a bidirectional LSTM as the sequence's summary",
        (
            Variant("bidir_last_state_buggy", buggy=True),
            Variant("bidir_last_state_sized_buggy", buggy=True),
            Variant("bidir_last_state_fixed", buggy=False),
        ),
        _SQUARE_AND_NOT,
    ),
    Family(
        "unmasked-mean",
        "mean over padded LSTM outputs",
        (Variant("unmasked_mean_buggy", buggy=True), Variant("unmasked_mean_fixed", buggy=False)),
        _SQUARE_AND_NOT,
    ),
    Family(
        "seq2seq",
        "GRU encoder-decoder with teacher forcing, bridged from a bidirectional h_n",
        (Variant("seq2seq_buggy", buggy=True), Variant("seq2seq_fixed", buggy=False)),
        _SQUARE_AND_NOT,
        feed=_copy_task,
    ),
)
