"""What a traced run showed, kept as plain records for the rules to judge once the run is over."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from shapelint.runtime.axes import Label, Labels, Origin


@dataclass(frozen=True)
class Observation:
    """Labels seen where they matter: the input or the initial state of an RNN, the input of an RNN cell,
    a Linear, a matrix product or a loss; a model output; a pack."""

    # "rnn", "state" (an RNN's initial state), "cell" (the input of an RNN cell), "linear", "product" (bmm,
    # matmul), "loss", "output", "pack"
    kind: str
    where: str
    module: str
    labels: Labels
    batch_first: bool | None = None


@dataclass(frozen=True)
class TokenPadding:
    """Per sample (if this axis is the batch): how many real tokens, and whether padding comes first."""

    counts: list[int]
    left: bool
    time: Label
    time_size: int


@dataclass(frozen=True)
class PackedLengths:
    """The lengths a ``pack_padded_sequence`` was given, beside what the tokens show."""

    where: str
    batch: Origin
    tokens: TokenPadding
    lengths: list[int]


@dataclass(frozen=True)
class PadMask:
    """The real (not padding) tokens of the last padded batch, samples as rows, in the order the
    positions of the batch axis had after the tensor index at ``reordered_at`` (None: as given)."""

    batch: Origin
    time: Origin
    real: torch.Tensor
    reordered_at: str | None = None
    pad: int | None = None  # the padding id the tokens show; None: told by lengths (given to a pack or the model)
    lengths: str = "lengths"  # the user's name for those lengths

    @property
    def from_lengths(self) -> bool:
        return self.pad is None

    def rows_in(self, labels: Labels) -> int | None:
        """The dim of a tensor with these labels whose positions are this mask's rows, in its order; None
        if there is none (a batch axis reordered since the mask was made no longer lines up with it)."""
        return next(
            (
                dim
                for dim, label in enumerate(labels)
                if label and label.single() == self.batch and label.reordered_at == self.reordered_at
            ),
            None,
        )


@dataclass(frozen=True)
class LastPick:
    """``x[:, -1]``: an index at -1 that dropped a data axis of size > 1 while other data axes stayed."""

    where: str
    axis: Origin
    dim: int
    axes: tuple[Origin | None, ...]  # of the indexed tensor; None for an axis the model made
    shape: tuple[int, ...]
    dtype: str


@dataclass(frozen=True)
class InitialState:
    """An initial state given to an RNN whose first axis (layers * directions) holds an input's axis."""

    where: str
    rnn: str
    axis: Origin  # the input's axis in the layers slot
    shape: tuple[int, ...]
    dtype: str


@dataclass(frozen=True)
class DeclaredReturn:
    """A top-level call's returned tensor beside the roles its ``forward`` annotation declares."""

    where: str
    model: str
    declared: str  # the annotation's dimensions, "batch seq tags"
    roles: tuple[str | None, ...]  # what it declares of each: "batch", "time" or None
    axes: tuple[Origin | None, ...]
    shape: tuple[int, ...]
    dtype: str
