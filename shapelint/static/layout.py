"""Axis layouts: which axis of a tensor is batch, time or feature, and how ops move them.

The values here are the static half's abstract tensors. An :class:`Axis` is an
identity (the batch axis of ``tokens`` is the same object as the batch axis of
``self.embedding(tokens)``) with a role; a :class:`Tensor` is a tuple of axes plus
what is known of its memory order. Everything is immutable; an op makes a new value.

"Unknown" is always representable and never turns into a finding: an axis whose role
is :attr:`Role.UNKNOWN`, a tensor whose memory order is :data:`UNKNOWN_MEMORY`, an
alignment that returns :class:`Unaligned`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Union

import libcst as cst

if TYPE_CHECKING:
    from shapelint.static.values import Stacking

# Where a value came from: the syntax node, turned into a line only when a finding
# needs it (positions cost more than parsing when computed for every node).
Where = Union[cst.CSTNode, None]


class Role(enum.Enum):
    BATCH = "batch"
    TIME = "time"
    FEAT = "feat"
    LAYERS = "layers*dirs"
    WINDOW = "window"
    UNKNOWN = "?"


@dataclass(frozen=True, eq=False)
class Axis:
    """One axis. Equality is identity: two axes are the same only if one flowed into the other.

    ``parts`` is set for an axis made by merging others (``view(B * T, -1)``); its role
    is then UNKNOWN and :meth:`atoms` yields the parts. ``assumed`` marks a role known
    only from an RNN's convention, on an input of unknown layout: its size may well be 1
    (the PyTorch tutorial runs one sentence at a time).
    """

    role: Role
    where: Where = None
    singleton: bool = False
    parts: tuple[Axis, ...] = ()
    assumed: bool = False

    def atoms(self) -> tuple[Axis, ...]:
        return self.parts or (self,)

    def label(self) -> str:
        if self.singleton:
            return "1"
        if self.parts:
            return "*".join(part.label() for part in self.parts)
        return self.role.value


def merged(atoms: tuple[Axis, ...], where: Where) -> Axis:
    return atoms[0] if len(atoms) == 1 else Axis(Role.UNKNOWN, where, parts=atoms)


# Memory order: ``None`` is contiguous; a tuple gives each axis's rank in memory
# (outermost 0). A rank of ``None`` marks an axis that overlaps others (unfold's
# window, expand's broadcast) and merges with nothing. UNKNOWN_MEMORY: not tracked.
class _UnknownMemory(enum.Enum):
    UNKNOWN = "unknown"


UNKNOWN_MEMORY = _UnknownMemory.UNKNOWN
Ranks = tuple[Union[float, None], ...]
Memory = Union[Ranks, None, _UnknownMemory]


@dataclass(frozen=True)
class NonContiguity:
    """Why a tensor is non-contiguous: the op that made it so (a call node) and how to say it."""

    where: Where
    batch_first_rnn: bool = False


@dataclass(frozen=True)
class RnnSource:
    """The RNN a tensor came out of: its output (``state=False``) or its final state ``h_n``/``c_n``.

    ``state_size`` is the constructor's expression for the size of each direction's final state
    (``hidden_size``), when it says so plainly (no ``proj_size``, no ``*args``), and ``width`` its
    value when known; ``layers`` is ``num_layers``, when known. ``where`` is the loop, for the per-step
    outputs of a hand-written one.
    """

    where: Where
    state: bool
    bidirectional: bool | None
    batch_first: bool
    state_size: cst.BaseExpression | None = None
    layers: int | None = None
    width: int | None = None
    # Outputs of a hand-written loop: the order it read the time steps in (``forward``, ``backward``,
    # None: not known), as they lie on the time axis.
    steps_order: str | None = None


@dataclass(frozen=True)
class Padding:
    """The time axis holds padding: after ``pad_packed_sequence`` (zeros, or ``padding_value``), or an
    RNN run over a padded batch (the outputs at padded steps are real numbers) whose lengths are in
    scope, or that the project's data pipeline pads (``pipeline`` says where). ``at_end``: the padding
    follows each sequence (``None``: not known), as it does unless a loader pads at the front."""

    where: Where
    packed: bool
    padding_value_set: bool = False
    lengths_name: str | None = None
    pipeline: str | None = None
    at_end: bool | None = True
    # The weights of a softmax over the padded steps: that softmax is where a mask belongs (SHP304),
    # so what they weigh is not pooled over padding a second time.
    weights: bool = False
    # A buffer whose steps were written one by one from the padded tensor: the assignment that did.
    filled_at: Where = None
    # The padded axis where a tensor has two time axes (attention scores of queries against padded keys).
    axis: Axis | None = None
    # The RNN (where it is built) whose final state this is, after the padding: kept through reshapes
    # and layers, as the state goes on to start another RNN.
    state_of: Where = None
    # Padded where the batches were made (a collate function's `pad_sequence`, a torchtext iterator):
    # the token batch itself holds the padding, and so does what an embedding (``tokens``: ``where``)
    # or an RNN looks up or runs over in it.
    batches: Stacking | None = None
    tokens: bool = False


@dataclass(frozen=True)
class Tensor:
    """A tensor of known rank. ``origin`` says in words where its layout was learnt, at ``where``."""

    axes: tuple[Axis, ...]
    origin: str
    where: Where
    memory: Memory = None
    noncontiguous: NonContiguity | None = None
    rnn: RnnSource | None = None
    padding: Padding | None = None

    @property
    def rank(self) -> int:
        return len(self.axes)

    def roles(self) -> str:
        return ", ".join(axis.label() for axis in self.axes)

    def role_position(self, role: Role) -> int | None:
        """Index of the single non-singleton axis with ``role``, if exactly one."""
        found = [i for i, axis in enumerate(self.axes) if axis.role is role and not axis.singleton]
        return found[0] if len(found) == 1 else None

    def padded_position(self) -> int | None:
        """Index of the axis that holds the padding: the one the padding names (the last of them: the
        keys of a sequence scored against itself, ``out @ out.transpose(1, 2)``), else the time axis."""
        axis = self.padding.axis if self.padding is not None else None
        found = [i for i, own in enumerate(self.axes) if own is axis] if axis is not None else []
        return found[-1] if found else self.role_position(Role.TIME)

    def is_time_major(self) -> bool:
        time, batch = self.role_position(Role.TIME), self.role_position(Role.BATCH)
        return time is not None and batch is not None and time < batch

    def is_batch_first(self) -> bool:
        time, batch = self.role_position(Role.TIME), self.role_position(Role.BATCH)
        return time is not None and batch is not None and batch < time

    def ranks(self) -> Ranks | None:
        """Memory ranks, or ``None`` when not tracked."""
        if self.memory is UNKNOWN_MEMORY:
            return None
        if self.memory is None:
            return tuple(float(i) for i in range(self.rank))
        return self.memory

    def with_axes(self, axes: tuple[Axis, ...], memory: Memory, cause: NonContiguity | None = None) -> Tensor:
        """A value derived by an op: keeps the origin, recomputes contiguity.

        ``cause`` is the op to blame if the result is non-contiguous; without one the
        input's cause carries over.
        """
        if isinstance(memory, tuple) and _is_contiguous(axes, memory):
            memory = None
        noncontiguous = None
        if isinstance(memory, tuple):
            noncontiguous = cause or self.noncontiguous
        return replace(self, axes=axes, memory=memory, noncontiguous=noncontiguous)


def _is_contiguous(axes: tuple[Axis, ...], ranks: Ranks) -> bool:
    # Like torch.Tensor.is_contiguous: size-1 axes do not count.
    kept = [rank for axis, rank in zip(axes, ranks) if not axis.singleton]
    if any(rank is None for rank in kept):
        return False
    return all(later - earlier == 1 for earlier, later in zip(kept, kept[1:]))  # type: ignore[operator]


def mergeable(tensor: Tensor, first: int, last: int) -> bool | None:
    """Whether axes ``first..last`` can be merged by ``view`` without a copy (None: unknown)."""
    ranks = tensor.ranks()
    if ranks is None:
        return None
    kept = [ranks[i] for i in range(first, last + 1) if not tensor.axes[i].singleton]
    if any(rank is None for rank in kept):
        return len(kept) <= 1
    return all(later - earlier == 1 for earlier, later in zip(kept, kept[1:]))  # type: ignore[operator]


def has_mergeable_pair(tensor: Tensor) -> bool | None:
    """Whether any two neighbouring non-singleton axes can merge (None: unknown)."""
    positions = [i for i, axis in enumerate(tensor.axes) if not axis.singleton]
    verdicts = [mergeable(tensor, a, b) for a, b in zip(positions, positions[1:])]
    if None in verdicts:
        return None
    return any(verdicts)


# ---------------------------------------------------------------- permutations


def permute(tensor: Tensor, order: tuple[int, ...], cause: NonContiguity) -> Tensor:
    """``permute``/``transpose``/``movedim``: the axes move, memory stays."""
    ranks = tensor.ranks()
    axes = tuple(tensor.axes[i] for i in order)
    memory: Memory = UNKNOWN_MEMORY if ranks is None else tuple(ranks[i] for i in order)
    # Rules about an RNN's own output or state read its original axis order.
    return replace(tensor.with_axes(axes, memory, cause), rnn=None)


def transpose_order(rank: int, first: int, second: int) -> tuple[int, ...] | None:
    one, other = normalise_dim(first, rank), normalise_dim(second, rank)
    if one is None or other is None:
        return None
    order = list(range(rank))
    order[one], order[other] = order[other], order[one]
    return tuple(order)


def movedim_order(rank: int, source: int, destination: int) -> tuple[int, ...] | None:
    moved, to = normalise_dim(source, rank), normalise_dim(destination, rank)
    if moved is None or to is None:
        return None
    order = [i for i in range(rank) if i != moved]
    order.insert(to, moved)
    return tuple(order)


def normalise_dim(dim: int, rank: int) -> int | None:
    if -rank <= dim < rank:
        return dim % rank
    return None


# ---------------------------------------------------------------- view / reshape


class Wildcard:
    """``-1`` in a view: whatever is left."""


class Opaque:
    """A size we cannot read (``self.hidden_dim``, ``2 * h``)."""


WILDCARD = Wildcard()
OPAQUE = Opaque()


@dataclass(frozen=True)
class RoleSize:
    """A size known only by what it means (``batch_size``, ``len(sentence)``)."""

    role: Role


SizeAtom = Union[Axis, RoleSize]
# One entry of a view's target shape: the sizes multiplied together, an empty tuple
# for a literal 1, or a wildcard/opaque marker.
Entry = Union[tuple[SizeAtom, ...], Wildcard, Opaque]


@dataclass(frozen=True)
class Aligned:
    """The view regroups the input's axes in order.

    ``atoms`` is the input flattened to its atoms, each with the position of the
    input axis it belongs to; ``groups[j]`` are the atom indices that output entry
    ``j`` takes (``None``: not known).
    """

    atoms: tuple[tuple[int, Axis], ...]
    groups: tuple[tuple[int, ...] | None, ...]

    def input_axes_of(self, entry: int) -> tuple[int, ...] | None:
        group = self.groups[entry]
        if group is None:
            return None
        return tuple(sorted({self.atoms[i][0] for i in group}))


@dataclass(frozen=True)
class Misaligned:
    """Output entry ``entry`` asks for ``wanted`` where the input holds ``found``."""

    entry: int
    wanted: SizeAtom
    found: Axis


@dataclass(frozen=True)
class Unaligned:
    """Not enough is known to say which entry takes which axes.

    ``dims`` counts the input axes that hold an atom the target cannot leave out (not size 1,
    not a batch that may be 1): a target with fewer sized entries must merge some of them.
    """

    dims: int = 0


Alignment = Union[Aligned, Misaligned, Unaligned]
_KNOWN_ROLES = (Role.BATCH, Role.TIME, Role.LAYERS)


def _compare(atom: SizeAtom, axis: Axis, input_atoms: tuple[Axis, ...]) -> bool | None:
    """True: same axis; False: certainly another axis; None: cannot tell."""
    if isinstance(atom, Axis):
        if atom is axis:
            return True
        if atom in input_atoms:
            return False  # another axis of this very tensor
        if atom.role in _KNOWN_ROLES and axis.role in _KNOWN_ROLES and atom.role is not axis.role:
            return False
        return None
    if axis.role is atom.role and atom.role in _KNOWN_ROLES:
        return True
    if axis.role in _KNOWN_ROLES and atom.role in _KNOWN_ROLES:
        return False
    return None


def align(tensor: Tensor, entries: tuple[Entry, ...]) -> Alignment:
    """Match a view's target shape against the input's axes, from both ends.

    Literal 1s and singleton axes carry no memory order and are dropped. A target
    with a literal 1 and no batch size reads as "batch is 1" (the PyTorch tutorial's
    ``view(len(sentence), 1, -1)``), so a batch axis may be dropped too; so may a batch
    axis that only an RNN's convention gave and that the target does not mention
    (``output.view(output.size(0), output.size(2))`` of a batch-of-one decoder). A target
    made only of the input's own sizes, each once, leaves out only axes of size 1: any other
    would change the number of elements, which ``view`` refuses (``out.view(s[1], s[2])`` of a
    one-step output).
    """
    has_literal_one = any(entry == () for entry in entries)
    named = {atom for entry in entries if isinstance(entry, tuple) for atom in entry}
    named_roles = {atom.role for atom in named}
    assume_batch_one = has_literal_one and Role.BATCH not in named_roles
    own_atoms = [atom for axis in tensor.axes for atom in axis.atoms()]
    listed = [atom for entry in entries if isinstance(entry, tuple) for atom in entry]
    only_own_sizes = (
        all(isinstance(entry, tuple) for entry in entries)
        and len(set(listed)) == len(listed)
        and all(atom in own_atoms for atom in listed)
    )

    def may_be_one(atom: Axis) -> bool:
        """A size-1 axis, or one that may be and that the target does not mention."""
        if atom.singleton:
            return True
        unmentioned = atom not in named and atom.role not in named_roles
        if only_own_sizes and atom not in named:
            return True
        batch_of_one = (atom.assumed and unmentioned) or assume_batch_one
        return batch_of_one and atom.role is Role.BATCH

    atoms = tuple(
        (position, atom) for position, axis in enumerate(tensor.axes) for atom in axis.atoms() if not may_be_one(atom)
    )
    just_atoms = tuple(atom for _, atom in atoms)
    groups: list[tuple[int, ...] | None] = [() if entry == () else None for entry in entries]
    sized = [j for j, entry in enumerate(entries) if entry != ()]

    def walk(order: list[int], atom_order: list[int], reverse: bool) -> Misaligned | tuple[int, int]:
        done = consumed = 0
        for j in order:
            entry = entries[j]
            if not isinstance(entry, tuple):
                break
            if consumed + len(entry) > len(atom_order):
                return done, consumed
            taken = atom_order[consumed : consumed + len(entry)]
            verdict = _match_product(entry, tuple(just_atoms[index] for index in taken), just_atoms)
            if isinstance(verdict, Misaligned):
                return Misaligned(j, verdict.wanted, verdict.found)
            if verdict is None:
                return done, consumed
            consumed += len(taken)
            done += 1
            groups[j] = tuple(sorted(taken))
        return done, consumed

    left = walk(sized, list(range(len(atoms))), reverse=False)
    if isinstance(left, Misaligned):
        return left
    left_done, left_used = left
    rest = sized[left_done:]
    right = walk(list(reversed(rest)), list(reversed(range(left_used, len(atoms)))), reverse=True)
    if isinstance(right, Misaligned):
        return right
    right_done, right_used = right
    middle_entries = rest[: len(rest) - right_done]
    middle_atoms = tuple(range(left_used, len(atoms) - right_used))
    unaligned = Unaligned(len({position for position, _ in atoms}))
    if not middle_entries and middle_atoms:
        return unaligned  # the sizes do not add up; torch itself will say so
    if len(middle_entries) == 1 and isinstance(entries[middle_entries[0]], Wildcard):
        groups[middle_entries[0]] = middle_atoms
    if left_done == 0 and right_done == 0:
        return unaligned
    return Aligned(atoms, tuple(groups))


def _match_product(
    entry: tuple[SizeAtom, ...], found: tuple[Axis, ...], input_atoms: tuple[Axis, ...]
) -> bool | Misaligned | None:
    """Whether a target entry (a product of sizes) takes exactly the input atoms ``found``.

    A product says nothing of order (`heads * batch` of a `(batch, heads)` pair is a merge in memory
    order), so the factors may match ``found`` in any order. True: they do; a Misaligned: some factor
    certainly is none of them; None: cannot tell.
    """
    unmatched = list(found)
    for atom in entry:
        verdicts = [_compare(atom, axis, input_atoms) for axis in unmatched]
        if True in verdicts:
            unmatched.pop(verdicts.index(True))
        elif all(verdict is False for verdict in verdicts):
            return Misaligned(0, atom, unmatched[0])
        else:
            return None
    return True
