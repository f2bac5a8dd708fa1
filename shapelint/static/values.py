"""The abstract values the inference gives names: tensors of known layout, sizes, modules, ..."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

import libcst as cst

from shapelint.static.layout import Axis, Role, SizeAtom, Tensor
from shapelint.static.project.index import ClassKey, FunctionKey

if TYPE_CHECKING:
    from shapelint.static.flow.scope import ModuleScope


class Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Size:
    """A size as a product of known factors (``batch_size``, ``x.size(1)``, ``B * T``)."""

    atoms: tuple[SizeAtom, ...]


@dataclass(frozen=True)
class Literal:
    """A value written in the code, or a setting the project gives (``evidence`` says where from).

    Two literals of the same value are equal whatever their evidence. ``role``: what the name it
    was read from says the number is (``n_layers = 2`` read as ``n_layers`` is a number of layers).
    """

    value: int | bool | float | str | None
    evidence: tuple[str, ...] = field(default=(), compare=False)
    role: Role | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Shape:
    """``x.shape`` or ``x.size()``: indexable and unpackable into the axes of ``tensor``."""

    tensor: Tensor


@dataclass(frozen=True)
class SizeOnes:
    """A tensor of unknown layout known to have size-1 axes at these positions (``x.unsqueeze(0)``)."""

    positions: frozenset[int]


@dataclass(frozen=True)
class Items:
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Keyed:
    """A dict of settings written as a literal (``{"hidden_size": 64, "bidirectional": True}`` or
    ``dict(...)``), as passed on by ``**settings``."""

    entries: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class Path:
    """A name that an import bound to a torch path (``nn.LSTM`` -> ``torch.nn.LSTM``); ``evidence``
    says how, where no import does (``nn`` used but never imported)."""

    path: str
    evidence: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class SelfRef:
    pass


@dataclass(frozen=True)
class RnnModule:
    batch_first: bool | None
    layers_dirs: int | None
    bidirectional: bool | None
    returns_cell_state: bool
    where: cst.CSTNode
    state_size: cst.BaseExpression | None = None  # as in RnnSource
    evidence: tuple[str, ...] = ()  # where settings that came from the project were learnt
    width: int | None = None  # that size, when it is a known number


@dataclass(frozen=True)
class AttentionModule:
    """``nn.MultiheadAttention``: ``batch_first`` says the layout its query, key and value must have,
    ``(batch, time, feat)`` or ``(time, batch, feat)`` (None: not a literal); ``where``: its construction."""

    batch_first: bool | None
    where: cst.CSTNode
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayerModule:
    """A module that maps layouts simply: ``embedding``, ``linear``, ``elementwise`` or ``softmax``.

    For a linear layer: ``in_size`` is the expression its constructor gives as ``in_features``;
    ``sized_on_first_call`` says it has none and takes the size of its first input (``LazyLinear``);
    ``out_is_one``: its ``out_features`` is 1 (a scoring layer). For a softmax: ``dim``, if given;
    for a pooling layer (kind ``max`` or ``mean``), ``dim`` holds its kernel (or output) size.
    """

    kind: str
    in_size: cst.BaseExpression | None = None
    sized_on_first_call: bool = False
    out_is_one: bool = False
    dim: Value | None = None


@dataclass(frozen=True)
class Packed:
    """A PackedSequence; ``tensor`` is the padded layout it was built from (time-major order)."""

    tensor: Tensor | None


@dataclass(frozen=True)
class Stacking:
    """Where a batch's layout was fixed (``by``): ``loader``, the ``DataLoader`` whose default collate
    stacked its samples on a new first axis; ``pad_sequence``, which padded it; ``torchtext``, an
    iterator over torchtext ``Field``s. ``call`` is that call, in file ``path`` (``module``).
    ``time_major``: the time axis comes first (``pad_sequence``'s and a ``Field``'s default);
    ``one_sample``: a batch of one (a loader's default ``batch_size``); ``pads_at_end``: for the
    stackings that pad (``pad_sequence``, ``torchtext``), whether the padding follows each sequence
    (None: not known)."""

    call: cst.Call
    module: cst.Module | None
    path: str
    by: str = "loader"
    time_major: bool = False
    one_sample: bool = False
    pads_at_end: bool | None = True


@dataclass(frozen=True)
class Loader:
    """A ``DataLoader`` whose batches are known: what it yields is ``batch``; ``numbered``: wrapped
    in ``enumerate``, so it yields ``(i, batch)``."""

    batch: Value
    numbered: bool = False


@dataclass(frozen=True)
class FieldBatch:
    """A batch of a torchtext iterator: each attribute (``batch.text``) is one field's tensor, or its
    ``(tensor, lengths)`` pair with ``include_lengths``."""

    stacking: Stacking


@dataclass(frozen=True)
class Batched:
    """A batch, or one of its tensors, laid out as ``stacking`` says (batch first, or time first),
    its other axes unknown. ``fields``: it may still be a tuple, list or dict of fields, whose items
    are batches too (as a loader yields it); a field unpacked or indexed out of it is taken for a
    tensor."""

    stacking: Stacking
    fields: bool = False


@dataclass(frozen=True)
class Steps:
    """``range(...)``: ``counts`` is the size it counts when known by what it counts (``range(x.size(1))``,
    ``range(seq_len)``), else None; ``backward``: it runs from the last position down
    (``reversed(range(n))``, ``range(n - 1, -1, -1)``)."""

    counts: SizeAtom | None
    where: cst.CSTNode
    backward: bool = False
    # `x.unbind(1)`: a loop over it binds each step's slice (this tensor, or UNKNOWN), not a position.
    slices: Value | None = None


@dataclass(frozen=True)
class Position:
    """A loop index that runs over :class:`Steps` (``for t in range(x.size(1))``)."""

    steps: Steps


@dataclass(frozen=True)
class CellModule:
    """``nn.LSTMCell``, ``nn.GRUCell`` or ``nn.RNNCell``: one step of a recurrence, ``(batch, input)`` in,
    ``(batch, hidden)`` out (with the cell state for an LSTM cell: ``returns_cell_state``)."""

    returns_cell_state: bool
    where: cst.CSTNode


@dataclass(frozen=True)
class Stepped:
    """A list filled one step at a time in a loop (``outs.append(h)``): each item is laid out as
    ``element``; ``step`` is the axis a stack of them gets (the time axis of a recurrence, or what
    the loop counts). ``order``: ``forward`` or ``backward`` when the loop read its input in that
    order with its own position (``x[:, t]``), and the list was not reordered in an unknown way;
    else None. ``where``: the loop."""

    element: Tensor
    step: Axis
    order: str | None
    where: cst.CSTNode


@dataclass(frozen=True, eq=False)
class Instance:
    """An object of a project class built at a known construction: its attributes after ``__init__``."""

    key: ClassKey
    attributes: dict[str, Value]


@dataclass(frozen=True)
class Either:
    """One of several objects, as branches that build different models leave a name (``if
    args.attention: model = AttnSeq2Seq(...) else: model = Seq2Seq(...)``): a call runs each."""

    options: tuple[Instance, ...]


@dataclass(frozen=True)
class ProjectName:
    """A name that means a class or a top-level function of the project."""

    key: ClassKey | FunctionKey


@dataclass(frozen=True, eq=False)
class Nested:
    """A function defined inside another (the collate function a factory makes, an attention function
    a method returns), with what its definition sees: its module, and ``self``'s attributes and class
    where a method defines it. Compared by identity: one definition, one value."""

    function: cst.FunctionDef
    scope: ModuleScope
    attributes: dict[str, Value]
    owner: cst.ClassDef | None


Value = Union[
    Unknown,
    Size,
    Literal,
    Shape,
    Items,
    Keyed,
    Path,
    SelfRef,
    RnnModule,
    AttentionModule,
    LayerModule,
    Packed,
    Tensor,
    SizeOnes,
    Instance,
    Either,
    ProjectName,
    Nested,
    Loader,
    FieldBatch,
    Batched,
    Steps,
    Position,
    CellModule,
    Stepped,
]
