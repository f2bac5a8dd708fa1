"""What the inference tells the rules: one event per interesting call, with the layouts it knew."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from shapelint.static.layout import Alignment, Entry, Padding, Tensor
from shapelint.static.values import LayerModule, Literal, Position, Stacking, Value

# What indexing does to one axis: an integer picks one position, ":" keeps the axis,
# "slice" keeps part of it.
AxisIndex = int | str


@dataclass(frozen=True)
class SliceOf:
    """The bounds of a ``lower:upper`` slice as the inference read them (``None``: left out)."""

    lower: Value | None
    upper: Value | None


def picks_one_row(index: AxisIndex, bounds: SliceOf | None) -> bool:
    """``h_n[0]``, or one row kept as an axis of size 1 (``h_n[0:1]``, ``h_n[-1:]``)."""
    if isinstance(index, int):
        return True
    if index != "slice" or bounds is None:
        return False
    lower, upper = (bound.value if isinstance(bound, Literal) else bound for bound in (bounds.lower, bounds.upper))
    if not isinstance(lower, int) or isinstance(lower, bool):
        return False
    return (upper is None and lower == -1) or (isinstance(upper, int) and upper - lower == 1 and upper != 0)


@dataclass(frozen=True)
class ReshapeEvent:
    """A ``view``/``reshape``/``flatten`` of a tensor whose layout is known.

    ``entries`` is the target shape as the inference read it (for ``flatten`` it is
    rebuilt from the input's axes); ``receiver`` is the expression for the tensor.
    ``counts``: the target sizes that are known numbers (a setting, a literal), else None.
    """

    call: cst.Call
    op: str
    receiver: cst.BaseExpression
    tensor: Tensor
    entries: tuple[Entry, ...]
    alignment: Alignment
    counts: tuple[int | None, ...] = ()


@dataclass(frozen=True)
class PackEvent:
    """``pack_padded_sequence(x, lengths, batch_first=...)`` with a literal ``batch_first``."""

    call: cst.Call
    receiver: cst.BaseExpression
    tensor: Tensor
    batch_first: bool


@dataclass(frozen=True)
class IndexEvent:
    """``t[...]`` with plain integers and slices, on a tensor whose layout is known.

    ``per_axis[i]`` says what happens to axis ``i``. ``in_concat``: the expression is an
    element of a ``torch.cat``/``torch.stack`` list. ``first_axis_picks``: every integer
    this function uses on axis 0 of the same tensor (``h_n[-2]`` beside ``h_n[-1]``).
    ``fed_to``: the layer of the class that the expression is the only argument of (``self.fc(h_n[-1])``).
    ``slices[i]``: the bounds of the slice on axis ``i``, where ``per_axis[i]`` is ``"slice"`` without a step.
    ``settings_to_come``: the class is analysed again with each way the project builds it, so a setting
    unknown here (a number of layers) is judged there. ``starts_another_rnn``: a padded final state that
    the function also passes to another RNN as its initial state (SHP305 reports that at its source).
    """

    node: cst.Subscript
    tensor: Tensor
    per_axis: tuple[AxisIndex, ...]
    in_concat: bool
    first_axis_picks: frozenset[int]
    fed_to: LayerModule | None
    slices: tuple[SliceOf | None, ...] = ()
    settings_to_come: bool = False
    # The tensor is a final state after padding that this function also gives another RNN to start from.
    starts_another_rnn: bool = False


@dataclass(frozen=True)
class SqueezeEvent:
    """``h_n.squeeze(0)`` of a final state with one row (one layer, one direction): that row, as
    ``h_n[0]`` takes it. ``starts_another_rnn`` as for :class:`IndexEvent`."""

    node: cst.Call
    tensor: Tensor
    starts_another_rnn: bool = False


@dataclass(frozen=True)
class MatmulEvent:
    """A batched matrix product of two tensors of known layout (``torch.bmm(a, b)``, ``a @ b`` of 3-D
    tensors): matrix ``i`` of ``left`` meets matrix ``i`` of ``right`` along their first axes."""

    node: cst.CSTNode
    left: Tensor
    right: Tensor


# A row of a final state taken, by index or by squeezing its one row away.
RowPick = IndexEvent | SqueezeEvent


@dataclass(frozen=True)
class RnnCallEvent:
    """An RNN module called on a tensor (``given``, if its layout is known) and an initial state."""

    call: cst.Call
    rnn_where: cst.CSTNode
    batch_first: bool
    layers_dirs: int | None
    given: Tensor | None
    initial_state: tuple[Tensor, ...]
    # Per state: built in another function (an `init_hidden` helper), where a fix of its layout goes.
    built_apart: tuple[bool, ...] = ()


@dataclass(frozen=True)
class ReduceEvent:
    """``x.mean(dim)``, ``torch.max(x, dim)``, ... over axis ``dim`` of a tensor of known layout."""

    call: cst.Call
    op: str
    receiver: cst.BaseExpression
    tensor: Tensor
    dim: int


@dataclass(frozen=True)
class PositionIndexEvent:
    """``x[t]``: axis ``axis`` of a tensor of known layout indexed by a loop position that counts
    another axis, or a size of another role (``for t in range(seq_len)``)."""

    node: cst.Subscript
    tensor: Tensor
    axis: int
    index: cst.BaseExpression
    position: Position


@dataclass(frozen=True)
class StepsJoinedEvent:
    """``torch.cat([forward, backward], dim)`` along the features of the per-step outputs of two
    hand-written loops, one that read the time steps forward and one that read them backward and
    whose outputs were not put back in time order (``backward_node``: its expression)."""

    call: cst.Call
    forward: Tensor
    backward: Tensor
    backward_node: cst.BaseExpression


@dataclass(frozen=True)
class ReturnEvent:
    """A ``return`` of a tensor of known layout from a function with a jaxtyping return annotation."""

    node: cst.Return
    declared: Tensor
    returned: Tensor


@dataclass(frozen=True)
class MaskInScope:
    """A name of the function that holds the batch's lengths or its padding mask (``mask``).

    ``true_at``: where a mask is true, as its assignment says (``"real"`` for ``tokens != PAD``,
    ``"padding"`` for ``tokens == PAD``), None when nothing says so (a parameter); ``boolean``: the
    assignment makes it a bool tensor; ``where``: that assignment, or the parameter.
    """

    name: str
    where: cst.CSTNode | None
    true_at: str | None = None
    boolean: bool = False

    @property
    def is_lengths(self) -> bool:
        return "len" in self.name


@dataclass(frozen=True)
class AttentionEvent:
    """A multi-head attention call: an ``nn.MultiheadAttention`` built at ``module`` (None for
    ``F.multi_head_attention_forward``), which reads query, key and value as ``(batch, time, feat)``
    with ``batch_first``, else ``(time, batch, feat)`` (None: a setting that is not a literal).

    ``query``/``key``: their layouts where known (``query_node``, ``key_node``: as written); ``masked``: a key
    padding mask, an attention mask or the causal hint is passed, or may be (``**kwargs``).
    ``padding``: why the key holds padded steps, if it does (its own padding, or, for a
    self-attention, the lengths or mask in scope); ``masks``: the lengths and masks in scope.
    """

    call: cst.Call
    module: cst.CSTNode | None
    batch_first: bool | None
    query: Tensor | None
    key: Tensor | None
    query_node: cst.BaseExpression
    key_node: cst.BaseExpression
    masked: bool
    padding: Padding | None
    masks: tuple[MaskInScope, ...] = ()


Event = (
    ReshapeEvent
    | PackEvent
    | IndexEvent
    | SqueezeEvent
    | MatmulEvent
    | RnnCallEvent
    | ReduceEvent
    | ReturnEvent
    | PositionIndexEvent
    | AttentionEvent
    | StepsJoinedEvent
)


@dataclass(frozen=True)
class CalledAt:
    """Evidence that an event arose with the arguments that ``call`` passes to function ``name``
    (``module`` and ``path``: the call's file, when it is not the file of the event)."""

    name: str
    call: cst.Call
    module: cst.Module | None = None
    path: str = ""


@dataclass(frozen=True)
class BatchesFrom:
    """Evidence that a tensor's layout is that of batches stacked as ``stacking`` says."""

    stacking: Stacking


Evidence = str | CalledAt | BatchesFrom


@dataclass(frozen=True)
class Evidenced:
    """An event and the project facts it rests on, beyond the function it comes from.

    ``evidence`` names each setting that the project gave (a constructor default, a construction's
    argument, a command-line option) and that the flow used before this event, and the calls whose
    arguments it was found with: the finding holds under those settings. ``module`` and ``path`` are
    set when the event lies in another file than the one linted, reached by a call from it.
    """

    event: Event
    evidence: tuple[Evidence, ...] = ()
    module: cst.Module | None = None
    path: str = ""
