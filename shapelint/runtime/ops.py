"""How the torch ops the tracer follows move dims, read from their arguments and shapes: which input dim
each result dim comes from, and which rows of a tensor an index reads."""

from __future__ import annotations

from typing import Any

import torch

from shapelint.runtime.axes import Label, Labels


def index_plan(
    name: str, rest: tuple[Any, ...], kwargs: dict[str, Any], rank: int
) -> tuple[tuple[int | None, ...], dict[int, int]] | None:
    """For indexing (``t[...]``), ``select`` or ``unsqueeze``: the input dim each result dim comes from
    (None for a new one), and the position each int index picks, by input dim; None for advanced indexing."""
    values = [*rest, *kwargs.values()]
    try:
        if name == "select":
            dim = int(values[0]) % rank
            return tuple(d for d in range(rank) if d != dim), {dim: int(values[1])}
        if name == "unsqueeze":
            dim = int(values[0]) % (rank + 1)
            return (*range(dim), None, *range(dim, rank)), {}
        index = values[0] if isinstance(values[0], tuple) else (values[0],)
    except (TypeError, ValueError, IndexError):
        return None
    if sum(1 for item in index if item is Ellipsis) > 1:
        return None
    spelled_out: list[Any] = []
    for item in index:
        if item is Ellipsis:
            spelled_out.extend([slice(None)] * (rank - sum(1 for i in index if i is not Ellipsis and i is not None)))
        else:
            spelled_out.append(item)
    kept: list[int | None] = []
    picked: dict[int, int] = {}
    position = 0
    for item in spelled_out:
        if item is None:
            kept.append(None)
        elif isinstance(item, bool) or not isinstance(item, (int, slice)):
            return None  # a tensor or a list: advanced indexing
        elif isinstance(item, int):
            picked[position] = item
            position += 1
        else:
            kept.append(position if position < rank else None)
            position += 1
    kept.extend(range(position, rank))
    return tuple(kept), picked


def squeezed(labels: Labels, shape: tuple[int, ...], rest: tuple[Any, ...], kwargs: dict[str, Any]) -> Labels | None:
    """``squeeze()`` drops every size-1 dim, ``squeeze(d)`` (or a tuple of dims) only those, if size 1."""
    values = [*rest, *kwargs.values()]
    try:
        dims = values[0] if values else None
        chosen = (
            set(range(len(shape)))
            if dims is None
            else {int(d) % len(shape) for d in (dims if isinstance(dims, (tuple, list)) else [dims])}
        )
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return tuple(label for i, (label, size) in enumerate(zip(labels, shape)) if not (size == 1 and i in chosen))


def expanded(labels: Labels, before: tuple[int, ...], after: tuple[int, ...]) -> Labels:
    """``expand`` adds dims on the left and stretches size-1 dims; the other dims keep their labels
    (aligned from the left by size, an expanded (batch, hidden) would read as batch-first at layers == batch)."""
    new = len(after) - len(before)
    kept = (label if size == after[new + dim] else None for dim, (label, size) in enumerate(zip(labels, before)))
    return (*(None for _ in range(new)), *kept)


def aligned_by_size(labels: Labels, before: tuple[int, ...], after: tuple[int, ...]) -> Labels | None:
    """Labels for ops that drop or add dims without moving the others (indexing, squeeze, unsqueeze)."""
    kept: list[Label | None] = []
    position = 0
    for size in after:
        while position < len(before) and before[position] != size and before[position] != 1 and size != 1:
            position += 1  # this input dim was indexed away
        if position < len(before) and before[position] == size:
            kept.append(labels[position])
            position += 1
        else:
            kept.append(None)
    return tuple(kept) if len(kept) == len(after) else None


def permutation(
    first: torch.Tensor, name: str, rest: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[int, ...] | None:
    """The order of ``first``'s axes after a transpose/permute/movedim, or None when the arguments are unclear."""
    rank = first.dim()
    values = [*rest, *kwargs.values()]
    try:
        if name in ("transpose", "swapaxes", "swapdims"):
            a, b = (int(v) % rank for v in values[:2])
            order = list(range(rank))
            order[a], order[b] = order[b], order[a]
            return tuple(order)
        if name == "t":
            return (1, 0) if rank == 2 else (0,)
        if name == "permute":
            dims = values[0] if len(values) == 1 and isinstance(values[0], (list, tuple)) else values
            return tuple(int(d) % rank for d in dims)
        source, destination = (int(v) % rank for v in values[:2])
        order = [i for i in range(rank) if i != source]
        order.insert(destination, source)
        return tuple(order)
    except (TypeError, ValueError):
        return None


def rows_indexed(state: torch.Tensor, name: str, args: Any) -> set[int] | None:
    """The rows of ``state`` that ``state[i]``, ``state[i, ...]`` or ``state[a:b]`` reads; None for any
    other use of it (a view, a cat, an index by tensor), which the caller counts as using all of it."""
    if name != "__getitem__" or len(args) != 2 or args[0] is not state:
        return None
    index = args[1]
    first = index[0] if isinstance(index, tuple) and index else index
    count = state.shape[0]
    if isinstance(first, int) and not isinstance(first, bool) and -count <= first < count:
        return {first % count}
    if isinstance(first, slice):
        try:
            return set(range(count)[first])
        except (TypeError, ValueError):
            return None
    return None
