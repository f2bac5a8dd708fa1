"""Axis labels at run time: which data axis each dimension of a tensor came from, and how ops move them.

A model's inputs get one :class:`Origin` per dimension (``tokens`` axis 0, axis 1).
Whether an origin is the batch or the time is decided later, from declarations or from
what the run shows; until then the labels carry identities, not roles. An op that
cuts memory across two labelled axes (a ``view`` of ``(B, T)`` as ``(T, B)`` with B != T)
yields a *mixed* label that remembers where it happened. Pure Python: no torch here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Origin:
    """Axis ``dim`` of the model input ``source`` (an argument name); ``dim`` -1 names an axis the
    model made that still must not be mixed with others (an RNN's layers*directions)."""

    source: str
    dim: int

    def __str__(self) -> str:
        return self.source if self.dim < 0 else f"axis {self.dim} of `{self.source}`"


@dataclass(frozen=True)
class Label:
    """What one dimension holds.

    ``origins``: one data axis, several merged in this order (``B*T``), or none for a
    dimension the model made (features). ``mixed_at``: the user-code place where a
    view re-cut the axes in ``origins``. ``moved_at``: the last place that moved or
    re-shaped this axis without mixing it (a transpose, a same-size view). ``reordered_at``:
    the last place that permuted its positions with a tensor index (``x[sorted_idx]``): the
    axis is the same, but position i need no longer be the input's position i.
    """

    origins: tuple[Origin, ...] = ()
    sizes: tuple[int, ...] = ()
    mixed_at: str | None = None
    moved_at: str | None = None
    reordered_at: str | None = None

    @property
    def mixed(self) -> bool:
        return self.mixed_at is not None

    def single(self) -> Origin | None:
        return self.origins[0] if len(self.origins) == 1 and not self.mixed else None


FEATURES = Label()
# What a data axis was re-cut with when the model's own axes (features) took part in the cut.
MODEL_MADE = Origin("the model's features", -2)
Labels = tuple[Label | None, ...]


def chunks(in_shape: Sequence[int], out_shape: Sequence[int]) -> list[tuple[tuple[int, ...], tuple[int, ...]]] | None:
    """Pair runs of input dims with runs of output dims of equal size product, as a view does.

    Size-1 dims form chunks of their own (paired with nothing). None when the sizes do
    not multiply out the same or a dim is 0.
    """
    if 0 in in_shape or 0 in out_shape or math.prod(in_shape) != math.prod(out_shape):
        return None
    found: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    i = j = 0
    while i < len(in_shape) or j < len(out_shape):
        if i < len(in_shape) and in_shape[i] == 1:
            found.append(((i,), ()))
            i += 1
            continue
        if j < len(out_shape) and out_shape[j] == 1:
            found.append(((), (j,)))
            j += 1
            continue
        start_i, start_j = i, j
        product_in, product_out = in_shape[i], out_shape[j]
        i, j = i + 1, j + 1
        while product_in != product_out:
            if product_in < product_out:
                product_in *= in_shape[i]
                i += 1
            else:
                product_out *= out_shape[j]
                j += 1
        found.append((tuple(range(start_i, i)), tuple(range(start_j, j))))
    return found


def reshaped(labels: Labels, in_shape: Sequence[int], out_shape: Sequence[int], where: str) -> Labels | None:
    """Labels after ``view``/``reshape``/``flatten`` from ``in_shape`` to ``out_shape``."""
    pairs = chunks(in_shape, out_shape)
    if pairs is None:
        return None
    out: list[Label | None] = [None] * len(out_shape)
    for ins, outs in pairs:
        if not outs:
            continue
        known = [labels[i] for i in ins]
        if len(ins) == 1 and len(outs) == 1:
            label = known[0]
            out[outs[0]] = replace(label, moved_at=where) if label is not None and label.origins else label
        elif len(outs) == 1:
            out[outs[0]] = _merged(known, [in_shape[i] for i in ins])
        elif len(ins) == 1:
            for index, label in zip(outs, _split(known[0], [out_shape[o] for o in outs], where)):
                out[index] = label
        else:
            mixed = _mixed(known, where)
            moved_inward = _inward(known, [in_shape[i] for i in ins], [out_shape[o] for o in outs], where)
            for index in outs:
                out[index] = moved_inward or mixed
    return tuple(out)


def _inward(labels: list[Label | None], in_sizes: list[int], out_sizes: list[int], where: str) -> Label | None:
    """One data axis re-cut with axes the model made, into dims of which one has the data axis's size
    but does not index it: ``fc(h).view(2, batch, hidden)`` on a (batch, 2 * hidden) tensor reads as
    (layers, batch, hidden), yet its "batch" dim is (batch, 2) viewed as (2, batch). Mixed with
    :data:`MODEL_MADE`, so that it reads as two axes mixed. Left alone: no dim of that size
    (``pairs.view(-1, 2 * hidden)`` joins samples on purpose), or one inside each sample's memory
    (``view(seq, batch * heads, head_dim)`` with head_dim == batch)."""
    data = [index for index, label in enumerate(labels) if label is not None and label.origins]
    if len(data) != 1 or any(label is None for label in labels):
        return None
    label, size, before = labels[data[0]], in_sizes[data[0]], math.prod(in_sizes[: data[0]])
    assert label is not None
    if label.single() is None:
        return None
    for position, out_size in enumerate(out_sizes):
        outer = math.prod(out_sizes[:position])  # how many blocks the dims before this one cut memory into
        if out_size == size and outer != before and outer % (before * size):
            return Label((*label.origins, MODEL_MADE), mixed_at=where)
    return None


def _merged(labels: list[Label | None], sizes: list[int]) -> Label | None:
    if any(label is None for label in labels):
        return None
    parts = [label for label in labels if label is not None]
    if any(label.mixed for label in parts):
        return next(label for label in parts if label.mixed)
    origins = tuple(origin for label in parts for origin in label.origins)
    return Label(origins, tuple(sizes) if len(origins) == len(sizes) else ())


def _split(label: Label | None, sizes: list[int], where: str) -> list[Label | None]:
    """A merged axis cut back into its parts; anything else split keeps its origin as a part."""
    if label is None:
        return [None] * len(sizes)
    if len(label.origins) == len(sizes) and list(label.sizes) == sizes and not label.mixed:
        return [Label((origin,), moved_at=where) for origin in label.origins]
    if not label.origins:
        return [label] * len(sizes)
    return [_mixed([label], where) if len(label.origins) > 1 else label for _ in sizes]


def _mixed(labels: Sequence[Label | None], where: str) -> Label | None:
    origins = tuple(origin for label in labels if label is not None for origin in label.origins)
    if not origins:
        return None
    earlier = next((label.mixed_at for label in labels if label is not None and label.mixed_at), None)
    return Label(tuple(dict.fromkeys(origins)), mixed_at=earlier or where)


def moved(labels: Labels, order: Sequence[int], where: str) -> Labels:
    """Labels after a permutation of the dims (``out[i] = in[order[i]]``)."""
    result: list[Label | None] = []
    for index, source in enumerate(order):
        label = labels[source]
        if label is not None and label.origins and index != source:
            label = replace(label, moved_at=where)
        result.append(label)
    return tuple(result)
