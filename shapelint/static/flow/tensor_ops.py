"""How ops move a tensor's axes: the layout algebra of views, slices, singleton axes and broadcasts.

Pure functions from abstract tensors to abstract tensors; the flow analysis calls them and
decides which events to report.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from shapelint.static.imports import dotted_name
from shapelint.static.layout import (
    OPAQUE,
    UNKNOWN_MEMORY,
    WILDCARD,
    Aligned,
    Axis,
    Entry,
    Memory,
    NonContiguity,
    Role,
    RoleSize,
    Tensor,
    Wildcard,
    merged,
    normalise_dim,
)
from shapelint.static.values import UNKNOWN, Items, Literal, Size, SizeOnes, Value

# The atom of a size nothing is known of (`self.hidden_dim`, `2 * h`).
OPAQUE_ATOM = RoleSize(Role.UNKNOWN)


def literal_int(value: Value) -> int | None:
    """The number a size is known to be (a literal, a setting), else None."""
    if isinstance(value, Literal) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return value.value
    return None


def entry(value: Value) -> Entry:
    number = literal_int(value)
    if isinstance(value, Literal) and number is not None:
        if number == 1:
            return ()
        if number == -1:
            return WILDCARD
        # A known number under a size's name (`n_layers` set to 2) still says what the axis is.
        return (RoleSize(value.role),) if value.role is not None else OPAQUE
    if isinstance(value, Size) and all(atom is not OPAQUE_ATOM for atom in value.atoms):
        return value.atoms
    return OPAQUE


def axis_for(entry: Entry, where: cst.CSTNode) -> Axis:
    """The axis a size gives a new tensor: a literal 1 is size 1, a named size has its role."""
    if entry == ():
        return Axis(Role.UNKNOWN, where, singleton=True)
    if isinstance(entry, tuple) and len(entry) == 1:
        return Axis(entry[0].role, where)
    return Axis(Role.UNKNOWN, where)


def entry_role(value: Value) -> Role:
    if isinstance(value, Size) and len(value.atoms) == 1:
        return value.atoms[0].role
    return Role.UNKNOWN


def as_role(axis: Axis, role: Role, where: cst.CSTNode) -> Axis:
    """The axis an RNN reads as ``role``: the same axis if it already is one, a size-1 axis stays size 1."""
    if axis.role is role:
        return axis
    return Axis(role, where, singleton=axis.singleton)


def reshaped(tensor: Tensor, entries: tuple[Entry, ...], alignment: object, call: cst.Call, copies: bool) -> Tensor:
    axes: list[Axis] = []
    for index, entry in enumerate(entries):
        group = alignment.groups[index] if isinstance(alignment, Aligned) else None
        if entry == ():
            axes.append(Axis(Role.UNKNOWN, call, singleton=True))
        elif group is not None and isinstance(alignment, Aligned):
            parts = tuple(alignment.atoms[i][1] for i in group)
            if isinstance(entry, Wildcard):
                parts = _absorbed(tensor, alignment, index, parts)
            axes.append(merged(parts, call))
        elif isinstance(entry, tuple) and len(entry) == 1:
            axes.append(Axis(entry[0].role, call))
        else:
            axes.append(Axis(Role.UNKNOWN, call))
    memory: Memory = None if tensor.memory is None else UNKNOWN_MEMORY
    if copies and tensor.memory is not None:
        memory = UNKNOWN_MEMORY  # reshape copies only when it must
    # A reshaped h_n or RNN output is no longer the RNN's own layout.
    return replace(tensor.with_axes(tuple(axes), memory), rnn=None)


def _absorbed(tensor: Tensor, alignment: Aligned, index: int, parts: tuple[Axis, ...]) -> tuple[Axis, ...]:
    """What a `-1` takes: every axis between those the entries around it take, including an axis that
    may have size 1 (a batch only an RNN's convention gave) and that the alignment left out. Splitting
    it again by the sizes it came from then gives those axes back."""
    own = [atom for axis in tensor.axes for atom in axis.atoms()]
    claimed_before = [alignment.atoms[i][1] for group in alignment.groups[:index] for i in group or ()]
    claimed_after = [alignment.atoms[i][1] for group in alignment.groups[index + 1 :] for i in group or ()]
    start = max((own.index(atom) + 1 for atom in claimed_before if atom in own), default=0)
    end = min((own.index(atom) for atom in claimed_after if atom in own), default=len(own))
    run = tuple(atom for atom in own[start:end] if not atom.singleton)
    return run if set(parts) <= set(run) else parts


def insert_singleton(tensor: Tensor, position: int, call: cst.Call) -> Tensor:
    axes = list(tensor.axes)
    axes.insert(position, Axis(Role.UNKNOWN, call, singleton=True))
    ranks = tensor.ranks()
    memory: Memory = UNKNOWN_MEMORY
    if tensor.memory is None:
        memory = None
    elif ranks is not None:
        memory = (*ranks[:position], -1.0, *ranks[position:])
    return tensor.with_axes(tuple(axes), memory)


def drop_axes(tensor: Tensor, positions: set[int], where: cst.CSTNode) -> Tensor:
    axes = tuple(axis for i, axis in enumerate(tensor.axes) if i not in positions)
    ranks = tensor.ranks()
    memory: Memory = UNKNOWN_MEMORY if ranks is None else tuple(r for i, r in enumerate(ranks) if i not in positions)
    return tensor.with_axes(axes, memory, NonContiguity(where))


def shrink(tensor: Tensor, position: int, call: cst.Call) -> Tensor:
    """``narrow`` or a partial slice: the axis shrinks, so it no longer merges with the one before."""
    ranks = tensor.ranks()
    axes = list(tensor.axes)
    axes[position] = Axis(axes[position].role, call)
    memory: Memory = UNKNOWN_MEMORY
    if ranks is not None and ranks[position] is not None:
        pivot = ranks[position]
        memory = tuple(r + 0.5 if r is not None and r >= pivot else r for r in ranks)  # type: ignore[operator]
    return tensor.with_axes(tuple(axes), memory, NonContiguity(call))


def unfold(tensor: Tensor, dim: int, call: cst.Call) -> Value:
    position = normalise_dim(dim, tensor.rank)
    if position is None:
        return UNKNOWN
    shrunk = shrink(tensor, position, call)
    ranks = shrunk.ranks()
    memory: Memory = UNKNOWN_MEMORY if ranks is None else (*ranks, None)
    # The window axis overlaps the axis it slides over: it merges with nothing.
    return shrunk.with_axes((*shrunk.axes, Axis(Role.WINDOW, call)), memory, NonContiguity(call))


def expand(tensor: Tensor, call: cst.Call, args: list[Value]) -> Value:
    ranks = tensor.ranks()
    if len(args) != tensor.rank or ranks is None:
        return UNKNOWN
    axes, memory = list(tensor.axes), list(ranks)
    for position, value in enumerate(args):
        if tensor.axes[position].singleton and not (isinstance(value, Literal) and value.value in (1, -1)):
            axes[position] = Axis(entry_role(value), call)
            memory[position] = None
    return tensor.with_axes(tuple(axes), tuple(memory), NonContiguity(call))


def repeat(tensor: Tensor, call: cst.Call, args: list[Value]) -> Value:
    """``x.repeat(*counts)``: a copy tiled along each axis, with new leading axes for extra counts.
    An axis repeated once is itself; a size-1 axis (or a new one) repeated ``n`` times is an axis of
    what ``n`` counts; any other axis repeated is an axis of samples or steps mixed, of no known role."""
    counts = list(args[0].values) if len(args) == 1 and isinstance(args[0], Items) else args
    if len(counts) < tensor.rank:
        return UNKNOWN
    lead = len(counts) - tensor.rank
    axes: list[Axis] = []
    for position, count in enumerate(counts):
        own = tensor.axes[position - lead] if position >= lead else None
        if literal_int(count) == 1:
            axes.append(own if own is not None else Axis(Role.UNKNOWN, call, singleton=True))
        elif own is None or own.singleton:
            axes.append(axis_for(entry(count), call))
        else:
            axes.append(Axis(Role.UNKNOWN, call))
    return replace(tensor.with_axes(tuple(axes), None), rnn=None)


def broadcast(left: Tensor, right: Tensor) -> Tensor | None:
    """``left * right`` and other elementwise ops of two tensors: axes aligned from the right, each
    axis the one that says more (a size-1 axis takes the other's; an unknown role takes the other's).
    None when two aligned axes disagree on what they are."""
    if left.axes == right.axes:
        return left
    longer, shorter = (left, right) if left.rank >= right.rank else (right, left)
    lead = longer.rank - shorter.rank
    axes = list(longer.axes[:lead])
    for mine, theirs in zip(longer.axes[lead:], shorter.axes, strict=True):
        chosen = _broadcast_axis(mine, theirs)
        if chosen is None:
            return None
        axes.append(chosen)
    return replace(longer, axes=tuple(axes))


def elementwise(
    left: Tensor | SizeOnes,
    right: Tensor | SizeOnes,
    left_code: cst.BaseExpression,
    right_code: cst.BaseExpression,
    multiply: bool,
) -> Value:
    """``left op right`` (``*`` when ``multiply``), each a tensor of known layout or one of which only
    its size-1 axes are known (``query.unsqueeze(0)``, shaped to broadcast over the other)."""
    if isinstance(left, Tensor) and isinstance(right, Tensor):
        return _both_known(left, right, left_code, right_code, multiply)
    if isinstance(left, Tensor) and isinstance(right, SizeOnes):
        return _masked_by(left, right_code, right.positions) if multiply else left
    if isinstance(right, Tensor) and isinstance(left, SizeOnes):
        return _masked_by(right, left_code, left.positions) if multiply else right
    return UNKNOWN


def _both_known(
    left: Tensor, right: Tensor, left_code: cst.BaseExpression, right_code: cst.BaseExpression, multiply: bool
) -> Value:
    """Broadcast, and padded where either is. A product with a mask or with weights per step (no
    features of their own) has no padding left to pool: the mask zeroed it, or the softmax that made
    the weights is where a mask belongs (SHP304)."""
    result = broadcast(left, right)
    if result is None:
        return UNKNOWN
    padding = left.padding or right.padding
    if multiply and any(_per_step(tensor, code) for tensor, code in ((left, left_code), (right, right_code))):
        padding = None
    return replace(result, padding=padding)


def _per_step(tensor: Tensor, code: cst.BaseExpression) -> bool:
    """A mask or weights: one number per step (``mask.unsqueeze(-1)``, softmax weights over time),
    or a tensor whose name says it is a mask."""
    if tensor.padding is not None and tensor.padding.weights:
        return True
    if "mask" in (dotted_name(code) or "").lower():
        return True
    has_time = any(axis.role is Role.TIME and not axis.singleton for axis in tensor.axes)
    has_features = any(axis.role is Role.FEAT and not axis.singleton for axis in tensor.axes)
    return has_time and not has_features


def _masked_by(tensor: Tensor, other: cst.BaseExpression, ones: frozenset[int]) -> Tensor:
    """``tensor * other`` where of ``other`` only its size-1 axes (``ones``) are known: a mask by its
    name, or one number per step (``alpha.unsqueeze(2)``, size 1 where ``tensor`` has its features);
    else a query broadcast over the steps, and the product is scores that keep the padding."""
    features = tensor.role_position(Role.FEAT)
    if "mask" in (dotted_name(other) or "").lower() or (features is not None and features in ones):
        return replace(tensor, padding=None)
    return tensor


def _broadcast_axis(one: Axis, other: Axis) -> Axis | None:
    if one is other or one.singleton != other.singleton:
        return other if one.singleton else one
    if one.role is other.role:
        return other if one.assumed and not other.assumed else one
    if one.role is Role.UNKNOWN or other.role is Role.UNKNOWN:
        return other if one.role is Role.UNKNOWN else one
    return None


def keyword_name(arg: cst.Arg) -> str | None:
    """The keyword an argument is passed by, if any."""
    return arg.keyword.value if arg.keyword is not None else None
