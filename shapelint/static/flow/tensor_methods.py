"""Tensor methods and indexing as the flow meets them: views, reshapes, flattening, permutations,
reductions, size reads, and subscripts, each reported to the rules as an event where one matters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.events import (
    AxisIndex,
    MatmulEvent,
    PositionIndexEvent,
    ReduceEvent,
    ReshapeEvent,
    SliceOf,
    SqueezeEvent,
    picks_one_row,
)
from shapelint.static.flow.recurrence import read_at, reversed_steps
from shapelint.static.flow.tensor_ops import (
    axis_for,
    drop_axes,
    entry,
    expand,
    insert_singleton,
    keyword_name,
    literal_int,
    repeat,
    reshaped,
    shrink,
    unfold,
)
from shapelint.static.imports import dotted_name
from shapelint.static.layout import (
    WILDCARD,
    Aligned,
    Axis,
    Entry,
    NonContiguity,
    Role,
    Tensor,
    align,
    movedim_order,
    normalise_dim,
    permute,
    transpose_order,
)
from shapelint.static.values import (
    UNKNOWN,
    Batched,
    Items,
    Keyed,
    Literal,
    Position,
    Shape,
    Size,
    Stepped,
    Steps,
    Unknown,
    Value,
)

if TYPE_CHECKING:
    from shapelint.static.flow.function import FunctionFlow


# Names of tensors of row numbers (`sorted_idx`, `perm_idx`, `unsort_indices`); a bare `idx` is as
# often one position (`for idx in range(T)`).
_REORDERING = re.compile(r"(sort|perm|order|indices|restore)", re.IGNORECASE)


def _field(flow: FunctionFlow, batch: Batched, node: cst.Subscript) -> Value:
    """``batch[0]`` or ``batch["tokens"]``: one field of a batch, stacked on the batch axis too. A
    tensor's own index (``x[0]`` picks a sample) or a slice is not followed."""
    only = node.slice[0].slice if len(node.slice) == 1 else None
    key = flow.expression(only.value) if isinstance(only, cst.Index) else UNKNOWN
    if batch.fields and isinstance(key, Literal) and isinstance(key.value, (int, str)):
        return replace(batch, fields=False)
    return UNKNOWN


def tensor_method(
    flow: FunctionFlow,
    tensor: Tensor,
    method: str,
    call: cst.Call,
    args: list[Value],
    receiver: cst.BaseExpression | None = None,
    offset: int = 0,
) -> Value:
    if receiver is None:
        assert isinstance(call.func, cst.Attribute)
        receiver = call.func.value
    call_args = call.args[offset:]
    keywords = any(arg.keyword is not None for arg in call_args)
    # flatten and reductions read their keywords by name; transpose is symmetric in its two dims.
    by_name = method in ("flatten", "transpose") or method in kb.REDUCTIONS | kb.SOFTMAX_METHODS
    if any(arg.star for arg in call_args) or (keywords and not by_name):
        return UNKNOWN
    ints = [value.value if isinstance(value, Literal) and isinstance(value.value, int) else None for value in args]
    if method in kb.RESHAPING_METHODS:
        return reshape_tensor(flow, tensor, method, call, receiver, args)
    if method == "flatten":
        return flatten(flow, tensor, call, receiver, call_args, args)
    if method in ("transpose", "swapaxes", "swapdims") and len(ints) == 2 and None not in ints:
        order = transpose_order(tensor.rank, ints[0], ints[1])  # type: ignore[arg-type]
        return permute(tensor, order, NonContiguity(call)) if order else UNKNOWN
    if method == "t" and tensor.rank == 2:
        return permute(tensor, (1, 0), NonContiguity(call))
    if method == "permute":
        dims = ints
        if len(args) == 1 and isinstance(args[0], Items):
            dims = [v.value if isinstance(v, Literal) and isinstance(v.value, int) else None for v in args[0].values]
        normalised = [normalise_dim(d, tensor.rank) if d is not None else None for d in dims]
        if len(normalised) != tensor.rank or None in normalised or len(set(normalised)) != tensor.rank:
            return UNKNOWN
        return permute(tensor, tuple(normalised), NonContiguity(call))  # type: ignore[arg-type]
    if method in ("movedim", "moveaxis") and len(ints) == 2 and None not in ints:
        order = movedim_order(tensor.rank, ints[0], ints[1])  # type: ignore[arg-type]
        return permute(tensor, order, NonContiguity(call)) if order else UNKNOWN
    if method == "contiguous":
        return tensor.with_axes(tensor.axes, None)
    if method == "unsqueeze" and len(ints) == 1 and ints[0] is not None:
        position = normalise_dim(ints[0], tensor.rank + 1)
        if position is None:
            return UNKNOWN
        return insert_singleton(tensor, position, call)
    if method == "squeeze" and len(ints) == 1 and ints[0] is not None:
        position = normalise_dim(ints[0], tensor.rank)
        if position is None:
            return UNKNOWN
        axis = tensor.axes[position]
        # An axis of unknown size is squeezed because the code knows it is 1 (`bmm(out, v).squeeze(2)`);
        # a batch or time axis may well not be, and then nothing is dropped.
        if not axis.singleton and (axis.role is not Role.UNKNOWN or axis.parts):
            return UNKNOWN
        squeezed = drop_axes(tensor, {position}, call)
        padding = tensor.padding
        if position == 0 and tensor.rnn is not None and tensor.rnn.state:
            flow.emit(SqueezeEvent(call, flow.live_padding(tensor)))
            if padding is not None and padding.state_of is not None:
                # Like a pick of the row: SHP303 reports it here, not the RNN the row may start.
                squeezed = replace(squeezed, padding=replace(padding, state_of=None))
        return squeezed
    if method == "size" and not args:
        return Shape(tensor)
    if method == "size" and len(ints) == 1 and ints[0] is not None:
        position = normalise_dim(ints[0], tensor.rank)
        return Size((tensor.axes[position],)) if position is not None else UNKNOWN
    if method == "unfold" and len(ints) == 3 and ints[0] is not None:
        return unfold(tensor, ints[0], call)
    if method == "narrow" and ints and ints[0] is not None:
        position = normalise_dim(ints[0], tensor.rank)
        if position is None:
            return UNKNOWN
        return shrink(tensor, position, call)
    if method == "chunk" and ints and ints[0] is not None and ints[0] > 1:
        # `gates.chunk(4, 1)` of a hand-written LSTM cell: as many parts, each a slice of that axis.
        position = normalise_dim(ints[1] if len(ints) > 1 and ints[1] is not None else 0, tensor.rank)
        if position is None or (len(ints) > 1 and ints[1] is None):
            return UNKNOWN
        return Items(tuple(shrink(tensor, position, call) for _ in range(ints[0])))
    if method == "unbind" and len(ints) <= 1:
        position = normalise_dim(ints[0] if ints and ints[0] is not None else 0, tensor.rank)
        if position is None or (ints and ints[0] is None):
            return UNKNOWN
        return Steps(tensor.axes[position], call, slices=drop_axes(tensor, {position}, call))
    if method == "expand":
        return expand(tensor, call, args)
    if method == "repeat":
        return repeat(tensor, call, args)
    if method == "index_select" and len(args) == 2 and ints[0] is not None:
        position = normalise_dim(ints[0], tensor.rank)
        return tensor if position is not None else UNKNOWN  # rows reordered (or picked): same axes
    if method == "masked_fill":
        return replace(tensor, padding=None)  # masking is how padding is dealt with
    if method in kb.ELEMENTWISE_METHODS:
        return tensor
    if method in kb.REDUCTIONS:
        return reduce(flow, tensor, method, call, receiver, call_args, args)
    if method in kb.SOFTMAX_METHODS:
        given = [value for arg, value in zip(call_args, args) if keyword_name(arg) in (None, "dim")][:1]
        return softmax(flow, tensor, method, call, receiver, given[0] if given else None)
    if method in ("matmul", "bmm") and len(args) == 1:
        pair_matrices(flow, call, tensor, args[0])
        return matmul(tensor, args[0], call, batched=method == "bmm")
    return UNKNOWN


def softmax(
    flow: FunctionFlow, tensor: Tensor, method: str, call: cst.Call, receiver: cst.BaseExpression, dim: Value | None
) -> Value:
    """A softmax over one axis: the weights keep the layout (and any padding) of what they weigh.
    Without ``dim``, torch picks one as its legacy rule says (axis 0 of a 1-D or 3-D tensor, else 1)."""
    if dim is None:
        position: int | None = 0 if tensor.rank in (1, 3) else 1
    elif isinstance(dim, Literal) and isinstance(dim.value, int) and not isinstance(dim.value, bool):
        position = normalise_dim(dim.value, tensor.rank)
    else:
        return UNKNOWN
    if position is None:
        return UNKNOWN
    flow.emit(ReduceEvent(call, method, receiver, flow.live_padding(tensor), position))
    weights = tensor.with_axes(tensor.axes, None)
    if tensor.padding is not None and position == tensor.padded_position():
        return replace(weights, padding=replace(tensor.padding, weights=True))
    return weights


def pair_matrices(flow: FunctionFlow, node: cst.CSTNode, left: Tensor, right: Value) -> None:
    """A product of two batches of matrices pairs them along the first axis: an event to check."""
    if isinstance(right, Tensor) and left.rank == right.rank == 3:
        flow.emit(MatmulEvent(node, left, right))


def matmul(left: Tensor, right: Value, where: cst.CSTNode, batched: bool = False) -> Value:
    """``left @ right`` (``bmm`` if ``batched``): ``left``'s last axis is summed away; a vector
    leaves nothing in its place, a matrix its own last axis (a batch of them, with ``bmm``, whose
    last axis is new when nothing else is known of it)."""
    if left.rank < 2:
        return UNKNOWN
    if isinstance(right, Tensor) and right.rank == 1:
        kept: tuple[Axis, ...] = left.axes[:-1]
    elif isinstance(right, Tensor):
        kept = (*left.axes[:-1], right.axes[-1])
    elif batched and left.rank == 3:
        kept = (*left.axes[:-1], Axis(Role.UNKNOWN, where))
    else:
        return UNKNOWN
    product = left.with_axes(kept, None)
    if (
        isinstance(right, Tensor)
        and right.rank >= 2
        and right.padding is not None
        and right.padded_position() == right.rank - 1
    ):
        # Scores against the padded steps (`v.bmm(energy)`, energy (batch, feat, time); queries against
        # keys `q @ k.transpose(1, 2)`): those steps are the last axis, whatever the queries hold.
        product = replace(product, padding=replace(right.padding, axis=right.axes[-1]))
    return product


def einsum(call: cst.Call, args: list[Value]) -> Value:
    """``torch.einsum("bld,bdk->blk", q, k)``: each output letter keeps the axis of the first operand
    that has it. Scores against padded steps (a padded axis kept in the output) are padded there; of
    several, the one that comes last in the output counts, as the keys do in ``q @ k``."""
    if not args or not isinstance(args[0], Literal) or not isinstance(args[0].value, str):
        return UNKNOWN
    operands = args[1:]
    inputs, arrow, output = args[0].value.replace(" ", "").partition("->")
    subscripts = inputs.split(",")
    if not arrow or len(subscripts) != len(operands) or not all(s.isalpha() for s in (*subscripts, output)):
        return UNKNOWN
    if any(
        not isinstance(operand, Tensor) or operand.rank != len(letters)
        for operand, letters in zip(operands, subscripts)
    ):
        return UNKNOWN
    tensors = [operand for operand in operands if isinstance(operand, Tensor)]
    axis_of: dict[str, Axis] = {}
    for tensor, letters in zip(tensors, subscripts):
        for letter, axis in zip(letters, tensor.axes):
            axis_of.setdefault(letter, axis)
    if any(letter not in axis_of for letter in output):
        return UNKNOWN
    product = Tensor(tuple(axis_of[letter] for letter in output), tensors[0].origin, call)
    kept = [
        (output.index(letters[position]), padding)
        for tensor, letters in zip(tensors, subscripts)
        if (padding := tensor.padding) is not None
        and (position := tensor.padded_position()) is not None
        and letters[position] in output
    ]
    if kept:
        place, padding = max(kept, key=lambda item: item[0])
        return replace(product, padding=replace(padding, axis=product.axes[place]))
    return product


def reduce(
    flow: FunctionFlow,
    tensor: Tensor,
    method: str,
    call: cst.Call,
    receiver: cst.BaseExpression,
    call_args: Sequence[cst.Arg],
    args: list[Value],
) -> Value:
    dims = [value for arg, value in zip(call_args, args) if keyword_name(arg) in (None, "dim")][:1]
    if not dims or not isinstance(dims[0], Literal) or not isinstance(dims[0].value, int):
        return UNKNOWN
    position = normalise_dim(dims[0].value, tensor.rank)
    if position is None:
        return UNKNOWN
    flow.emit(ReduceEvent(call, method, receiver, flow.live_padding(tensor), position))
    keepdim = any(keyword_name(arg) == "keepdim" for arg in call_args)
    if keepdim or method in ("max", "min"):
        return UNKNOWN  # max/min over a dim return (values, indices)
    # Summing the features of each step (attention energies) keeps the padded steps.
    over_time = position == tensor.padded_position()
    return replace(drop_axes(tensor, {position}, call), padding=None if over_time else tensor.padding, rnn=None)


def reshape_tensor(
    flow: FunctionFlow, tensor: Tensor, method: str, call: cst.Call, receiver: cst.BaseExpression, args: list[Value]
) -> Value:
    values: Sequence[Value] = args
    if len(args) == 1 and isinstance(args[0], Items):
        values = args[0].values
    elif len(args) == 1 and isinstance(args[0], Shape):
        values = [Size((axis,)) for axis in args[0].tensor.axes]
    entries = tuple(entry(value) for value in values)
    alignment = align(tensor, entries)
    counts = tuple(literal_int(value) for value in values)
    flow.emit(ReshapeEvent(call, method, receiver, tensor, entries, alignment, counts))
    return reshaped(tensor, entries, alignment, call, copies=method == "reshape")


# The origin of a layout read off the sizes a view names, the data's own layout unknown.
NAMED_SIZES = "result of a view with named sizes"


def shape_from_sizes(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> Value:
    """``x.view(len(sentence), 1, -1)`` of an unknown ``x``: the sizes named are the layout."""
    values: Sequence[Value] = args[0].values if len(args) == 1 and isinstance(args[0], Items) else args
    entries = [entry(value) for value in values]
    if not any(isinstance(entry, tuple) for entry in entries):
        return UNKNOWN  # nothing named, no literal 1: nothing learnt
    axes = tuple(axis_for(entry, call) for entry in entries)
    return Tensor(axes, NAMED_SIZES, call)


def flatten(
    flow: FunctionFlow,
    tensor: Tensor,
    call: cst.Call,
    receiver: cst.BaseExpression,
    call_args: Sequence[cst.Arg],
    args: list[Value],
) -> Value:
    bounds = {"start_dim": 0, "end_dim": -1}
    for position, (arg, value) in enumerate(zip(call_args, args)):
        name = arg.keyword.value if arg.keyword is not None else ("start_dim", "end_dim")[min(position, 1)]
        if not isinstance(value, Literal) or not isinstance(value.value, int) or name not in bounds:
            return UNKNOWN
        bounds[name] = value.value
    start, end = normalise_dim(bounds["start_dim"], tensor.rank), normalise_dim(bounds["end_dim"], tensor.rank)
    if start is None or end is None or start > end:
        return UNKNOWN
    entries: list[Entry] = []
    groups: list[tuple[int, ...]] = []
    atoms = tuple((position, atom) for position, axis in enumerate(tensor.axes) for atom in axis.atoms())
    for position in [*range(start), None, *range(end + 1, tensor.rank)]:
        if position is None:
            entries.append(WILDCARD)
            groups.append(tuple(i for i, (p, _) in enumerate(atoms) if start <= p <= end))
        else:
            entries.append(tensor.axes[position].atoms())
            groups.append(tuple(i for i, (p, _) in enumerate(atoms) if p == position))
    alignment = Aligned(atoms, tuple(groups))
    flow.emit(ReshapeEvent(call, "flatten", receiver, tensor, tuple(entries), alignment))
    return reshaped(tensor, tuple(entries), alignment, call, copies=True)


def subscript(flow: FunctionFlow, node: cst.Subscript) -> Value:
    base = flow.expression(node.value)
    if isinstance(base, Batched):
        return _field(flow, base, node)
    if isinstance(base, Keyed):
        # `batch["ids"]` of a collate function's `{"ids": ..., "label": ...}`
        key = node.slice[0].slice if len(node.slice) == 1 else None
        named = (
            key.value.evaluated_value
            if isinstance(key, cst.Index) and isinstance(key.value, cst.SimpleString)
            else None
        )
        return dict(base.entries).get(named, UNKNOWN) if isinstance(named, str) else UNKNOWN
    if isinstance(base, (Shape, Items)) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Slice):
        return slice_sizes(flow, base, node.slice[0].slice)
    if isinstance(base, Stepped):
        return _step(flow, base, node)
    indices: list[Value | str | SliceOf] = []
    for element in node.slice:
        piece = element.slice
        if isinstance(piece, cst.Slice):
            lower, upper, _ = (
                None if part is None else flow.expression(part) for part in (piece.lower, piece.upper, piece.step)
            )
            if piece.lower is None and piece.upper is None and piece.step is None:
                indices.append(":")
            else:
                indices.append(SliceOf(lower, upper) if piece.step is None else "slice")
        elif isinstance(piece, cst.Index):
            value = piece.value
            if isinstance(value, cst.Ellipsis):
                indices.append("...")
            elif isinstance(value, cst.Name) and value.value == "None":
                indices.append("None")
            else:
                indices.append(flow.expression(value))
    if isinstance(base, Shape) and len(indices) == 1:
        index = indices[0]
        if isinstance(index, Literal) and isinstance(index.value, int):
            position = normalise_dim(index.value, base.tensor.rank)
            return Size((base.tensor.axes[position],)) if position is not None else UNKNOWN
        return UNKNOWN
    if isinstance(base, Items) and len(indices) == 1:
        index = indices[0]
        if isinstance(index, Literal) and isinstance(index.value, int):
            position = normalise_dim(index.value, len(base.values))
            return base.values[position] if position is not None else UNKNOWN
        return UNKNOWN
    if isinstance(base, Tensor) and _reorders_rows(node, indices):
        return base  # `x[sorted_idx]`, `h_n[:, unperm_idx]`: the same samples in another order, on the same axes
    if isinstance(base, Tensor):
        return index_tensor(flow, base, indices, node)
    return UNKNOWN


def _step(flow: FunctionFlow, held: Stepped, node: cst.Subscript) -> Value:
    """``outs[-1]``: one step's output; ``outs[::-1]``: the steps in the other order."""
    if len(node.slice) != 1:
        return UNKNOWN
    piece = node.slice[0].slice
    if isinstance(piece, cst.Index):
        index = flow.expression(piece.value)
        return held.element if isinstance(index, (Literal, Position)) else UNKNOWN
    if not isinstance(piece, cst.Slice):
        return UNKNOWN
    step = flow.expression(piece.step) if piece.step is not None else None
    if piece.lower is None and piece.upper is None and step == Literal(-1):
        return reversed_steps(held)
    return UNKNOWN


def slice_sizes(flow: FunctionFlow, base: Shape | Items, piece: cst.Slice) -> Value:
    """``x.size()[1:]``, ``x.shape[:-1]``: the sizes of those axes."""
    bounds: list[int | None] = []
    for part in (piece.lower, piece.upper, piece.step):
        value = flow.expression(part) if part is not None else Literal(None)
        if not isinstance(value, Literal) or not (value.value is None or type(value.value) is int):
            return UNKNOWN
        bounds.append(value.value)
    values = tuple(Size((axis,)) for axis in base.tensor.axes) if isinstance(base, Shape) else base.values
    return Items(values[slice(*bounds)])


def index_tensor(
    flow: FunctionFlow, tensor: Tensor, indices: list[Value | str | SliceOf], node: cst.Subscript
) -> Value:
    if indices.count("...") > 1:
        return UNKNOWN
    if "..." in indices:
        fill = tensor.rank - sum(1 for index in indices if index not in ("...", "None"))
        at = indices.index("...")
        indices = indices[:at] + [":"] * fill + indices[at + 1 :]
    result = tensor
    position = 0
    dropped: set[int] = set()
    per_axis: list[AxisIndex] = []
    slices: list[SliceOf | None] = [None] * tensor.rank
    for index in indices:
        if index == "None":
            continue
        if position >= tensor.rank:
            return UNKNOWN
        if isinstance(index, Literal) and isinstance(index.value, int):
            dropped.add(position)
            per_axis.append(index.value)
        elif index == "slice" or isinstance(index, SliceOf):
            result = shrink(result, position, node)  # type: ignore[arg-type]
            per_axis.append("slice")
            slices[position] = index if isinstance(index, SliceOf) else None
        elif index == ":":
            per_axis.append(":")
        elif isinstance(index, Position):
            _position_index(flow, tensor, position, index, node)
            dropped.add(position)
            per_axis.append("slice")  # some position, not a first or last one
        else:
            return UNKNOWN  # a tensor or an unknown index: advanced indexing
        position += 1
    per_axis.extend([":"] * (tensor.rank - len(per_axis)))
    if flow.recording:
        flow.indexings.append((node, flow.live_padding(tensor), tuple(per_axis), tuple(slices)))
    padding = tensor.padding
    state = tensor.rnn is not None and tensor.rnn.state
    if state and padding is not None and padding.state_of is not None and picks_one_row(per_axis[0], slices[0]):
        # A state after the padding, picked row by row: SHP303 reports the pick, not what it starts.
        result = replace(result, padding=replace(padding, state_of=None))
    if dropped:  # what is left is no longer the RNN's own output or state
        result = replace(drop_axes(result, dropped, node), rnn=None)
    elif tensor.rnn is not None and tensor.rnn.state and per_axis[0] == "slice":
        # Some rows of a final state: no longer layer by layer, direction by direction, as the RNN left them.
        result = replace(result, rnn=None)
    # None inserts a singleton axis where it stands among the kept axes.
    kept_position = 0
    for index in indices:
        if index == "None":
            result = insert_singleton(result, kept_position, node)  # type: ignore[arg-type]
            kept_position += 1
        elif not (isinstance(index, Literal) and isinstance(index.value, int)):
            kept_position += 1
    return result


def written_at(flow: FunctionFlow, target: cst.Subscript) -> None:
    """``outputs[:, t] = out``: a write at a loop position is checked as a read there would be (SHP108)."""
    buffer = flow.expression(target.value, record=False)
    if not isinstance(buffer, Tensor) or len(target.slice) > buffer.rank:
        return
    for axis, element in enumerate(target.slice):
        piece = element.slice
        if not isinstance(piece, cst.Index):
            continue
        if isinstance(piece.value, cst.Ellipsis) or (isinstance(piece.value, cst.Name) and piece.value.value == "None"):
            return  # the axes after it are not counted from the front
        index = flow.expression(piece.value, record=False)
        if isinstance(index, Position):
            _position_index(flow, buffer, axis, index, target)


def _position_index(flow: FunctionFlow, tensor: Tensor, axis: int, position: Position, node: cst.Subscript) -> None:
    """``x[t]`` with ``t`` from ``range(...)`` of another axis than the one it indexes."""
    read_at(flow, position)
    counted = position.steps.counts
    indexed = tensor.axes[axis]
    if counted is None or counted is indexed:
        return
    # Roles from an RNN's convention are sure where it was told `batch_first=True` and the loop counts
    # an axis of that very output: its axes then are batch and time, whatever the sizes.
    stated = tensor.rnn is not None and tensor.rnn.batch_first and not tensor.rnn.state and counted in tensor.axes
    if not stated and any(atom.assumed for atom in (indexed, counted) if isinstance(atom, Axis)):
        return
    roles = {indexed.role, counted.role}
    if roles == {Role.BATCH, Role.TIME}:
        pieces = [element.slice for element in node.slice]
        index = next(piece.value for piece in pieces if isinstance(piece, cst.Index) and _is_position(flow, piece))
        flow.emit(PositionIndexEvent(node, tensor, axis, index, position))


def _is_position(flow: FunctionFlow, piece: cst.Index) -> bool:
    return isinstance(flow.expression(piece.value, record=False), Position)


def _reorders_rows(node: cst.Subscript, indices: list[Value | str | SliceOf]) -> bool:
    """``x[unperm_idx]``, ``h_n[:, unperm_idx]``: a tensor of row numbers on one axis, whole slices
    before it, by its name (a mask would pick rows and flatten)."""
    position = len(indices) - 1
    if not isinstance(indices[-1], Unknown) or any(index != ":" for index in indices[:position]):
        return False
    piece = node.slice[position].slice
    name = dotted_name(piece.value) if isinstance(piece, cst.Index) else None
    return name is not None and bool(_REORDERING.search(name.rpartition(".")[2]))
