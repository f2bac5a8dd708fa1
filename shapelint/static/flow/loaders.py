"""Data loaders and their batches, and what loops bind: the layout a training loop gives the model
it calls, and the positions a ``for t in range(...)`` loop walks.

``DataLoader(dataset, batch_size=...)`` with the default collate stacks the samples of a batch on
a new first axis, so every tensor a batch holds is batch-first, whatever the dataset. A collate
function of the project is run to learn what it returns: ``pad_sequence`` pads time-major unless
given ``batch_first=True``. A batch keeps its layout through unpacking, indexing (``batch[0]``,
``batch["tokens"]``) and methods that move no axis (``.to(device)``, ``.long()``); anything else
makes it unknown. Where it reaches an ``Embedding`` (token ids: batch and time) or an RNN (batch,
time and features), it becomes a tensor of known layout, with its stacking as evidence.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.events import BatchesFrom
from shapelint.static.layout import Axis, Padding, Role, RoleSize, Tensor
from shapelint.static.project.index import FunctionKey
from shapelint.static.values import (
    UNKNOWN,
    Batched,
    CellModule,
    FieldBatch,
    Items,
    Literal,
    Loader,
    Nested,
    Position,
    ProjectName,
    Size,
    Stacking,
    Steps,
    Unknown,
    Value,
)

if TYPE_CHECKING:
    from shapelint.static.flow.function import FunctionFlow


def data_loader(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> Value:
    """``DataLoader(...)``: a :class:`Loader` when what its batches hold is known."""
    keywords = {arg.keyword.value: value for arg, value in zip(call.args, args) if arg.keyword is not None}
    positional = [value for arg, value in zip(call.args, args) if arg.keyword is None]
    if any(arg.star for arg in call.args) or len(positional) > 4:
        return UNKNOWN
    batch_size = keywords.get("batch_size", positional[1] if len(positional) > 1 else Literal(1))
    if batch_size == Literal(None):
        return UNKNOWN  # no batching: the samples come as they are
    if "collate_fn" in keywords:
        batch = _collated(flow, call, keywords["collate_fn"])
        return UNKNOWN if isinstance(batch, Unknown) else Loader(batch)
    one_sample = batch_size == Literal(1) and "batch_sampler" not in keywords
    stacking = Stacking(call, flow.scope.module, flow.scope.path, one_sample=one_sample)
    return Loader(Batched(stacking, fields=True))


def torchtext_iterator(flow: FunctionFlow, call: cst.Call, args: list[Value], splits: bool) -> Value:
    """torchtext's ``BucketIterator(...)`` (or ``.splits(...)``, one per dataset): batches whose fields
    are laid out as the module's ``Field``s say, when they all say the same."""
    program = flow.scope.program
    facts = program.project.facts(flow.scope.path) if program is not None and program.project else None
    fields = [p for p in facts.paddings if p.what.startswith("torchtext")] if facts else []
    layouts = {field.field_batch_first for field in fields}
    if len(layouts) != 1 or None in layouts:
        return UNKNOWN
    ends = {field.at_end for field in fields}
    at_end = ends.pop() if len(ends) == 1 else None
    stacking = Stacking(
        call, flow.scope.module, flow.scope.path, "torchtext", time_major=not layouts.pop(), pads_at_end=at_end
    )
    loader = Loader(FieldBatch(stacking))
    if not splits:
        return loader
    datasets = args[0] if args else UNKNOWN
    return Items((loader,) * len(datasets.values)) if isinstance(datasets, Items) else UNKNOWN


def _collated(flow: FunctionFlow, call: cst.Call, collate: Value) -> Value:
    """What a project function given as ``collate_fn`` returns (its argument, the list of samples,
    is not known)."""
    program = flow.scope.program
    if program is not None and isinstance(collate, Nested):
        return program.invoke_nested(flow, collate, call, [])  # made by a factory: `get_collate_fn(pad_index)`
    if program is None or not isinstance(collate, ProjectName) or not isinstance(collate.key, FunctionKey):
        return UNKNOWN
    return program.call_function(flow, collate.key, call, [])


def iterator_call(name: str, args: list[Value], where: cst.CSTNode) -> Value | None:
    """What ``enumerate``, ``iter``, ``next`` or a progress bar make of a loader, and what ``range``
    (or ``reversed``) makes of a size known by what it counts; None if neither."""
    given = args[0] if args else UNKNOWN
    if name == "range" and args:
        return _range(args, where)
    if name == "reversed" and isinstance(given, Steps):
        return replace(given, backward=not given.backward)
    if name == "enumerate" and isinstance(given, Loader):
        return replace(given, numbered=True)
    if (name == "iter" or name in kb.PASS_THROUGH_ITERATORS) and isinstance(given, Loader):
        return given
    if name == "next" and isinstance(given, Loader) and not given.numbered:
        return given.batch
    return None


def _range(args: list[Value], where: cst.CSTNode) -> Steps:
    """``range(n)``, ``range(1, n)``: positions of what ``n`` counts (a decoder's from 1);
    ``range(n - 1, -1, -1)``: the same positions, backward. An integer each time, whatever it counts."""
    start, stop = (Literal(0), args[0]) if len(args) == 1 else (args[0], args[1])
    step = args[2] if len(args) > 2 else Literal(1)
    if step == Literal(-1) and stop == Literal(-1):
        return Steps(None, where, backward=True)
    from_start = isinstance(start, Literal) and type(start.value) is int and start.value >= 0
    counted = stop.atoms if isinstance(stop, Size) and from_start and step == Literal(1) else ()
    return Steps(counted[0] if len(counted) == 1 else None, where)


def iterated(value: Value) -> Value:
    """What a ``for`` loop over ``value`` binds in each round: a loader's batch, or a position that
    counts what a ``range`` counts."""
    if isinstance(value, Steps):
        return Position(value) if value.slices is None else value.slices
    if isinstance(value, Items) and value.values and all(isinstance(item, CellModule) for item in value.values):
        # `for cell in self.cells`: cells of one kind, each read as the first.
        kinds = {item.returns_cell_state for item in value.values if isinstance(item, CellModule)}
        return value.values[0] if len(kinds) == 1 else UNKNOWN
    if not isinstance(value, Loader):
        return UNKNOWN
    return Items((UNKNOWN, value.batch)) if value.numbered else value.batch


def batched_method(batch: Batched, method: str, args: list[Value]) -> Value:
    if method == "size" and len(args) == 1 and isinstance(args[0], Literal) and args[0].value in (0, 1):
        return batched_size(batch, args[0].value)
    return batch if method in kb.LAYOUT_KEEPING_METHODS else UNKNOWN


def batched_size(batch: Batched, position: object) -> Value:
    """``tokens.size(1)`` of a batch of token ids: what that axis counts, as the batch meets an embedding
    (batch and time, in the order the loader stacks them)."""
    if batch.fields or not isinstance(position, int) or position not in (0, 1):
        return UNKNOWN  # a tuple of fields, not one tensor
    order = (Role.TIME, Role.BATCH) if batch.stacking.time_major else (Role.BATCH, Role.TIME)
    return Size((RoleSize(order[position]),))


def batch_tensor(flow: FunctionFlow, batch: Batched, call: cst.Call, features: bool) -> Tensor:
    """A batch where it meets a layer: token ids (batch and time) for an Embedding, or batch, time
    and features for an RNN (``features``). Batches that ``pad_sequence`` or torchtext made hold
    padding: what the layer makes of them carries it, with that call as evidence."""
    stacking = batch.stacking
    flow.evidence[BatchesFrom(stacking)] = None
    batch_axis, time = Axis(Role.BATCH, call, singleton=stacking.one_sample), Axis(Role.TIME, call)
    axes: tuple[Axis, ...] = (time, batch_axis) if stacking.time_major else (batch_axis, time)
    if features:
        axes = (*axes, Axis(Role.FEAT, call))
    layout = "time-major" if stacking.time_major else "batch-first"
    if stacking.by == "loader":
        origin = "a `DataLoader` batch (batch-first)"
    elif stacking.by == "torchtext":
        origin = f"a torchtext batch ({layout})"
    else:
        origin = f"a batch padded {layout}"
    padding = None
    if stacking.by in PADDING_STACKINGS:
        padding = Padding(call, packed=False, at_end=stacking.pads_at_end, batches=stacking, tokens=not features)
    return Tensor(axes, origin, call, padding=padding)


# The stackings that pad their batches' sequences to the longest (or to a fixed length).
PADDING_STACKINGS = frozenset({"pad_sequence", "torchtext"})
