"""Hand-written recurrent layers: a cell stepped in a loop over time, and the per-step outputs it leaves.

``for t in range(x.size(1)): h = self.cell(x[:, t], h); outs.append(h)`` then ``torch.stack(outs, 1)``:
each step's output is ``(batch, hidden)`` (``x[:, t]`` drops the axis the loop walks), the list holds
one per step (:class:`Stepped`), and the stack puts the steps on the axis it is given: ``dim=0`` is
time-major, ``dim=1`` batch-first. The rules on RNN outputs then read the stack as they read an
``nn.LSTM``'s output.

A loop walks time when it counts a size known to be time, or when it is a recurrence: it steps a
cell (``nn.LSTMCell``, ``nn.GRUCell``, ``nn.RNNCell``), or it reads a tensor at its position while
each round hands the next a state (``h = f(x[:, t], h)``, ``hx = (h_next, c_next)``). A loop over
layers (``x = layer(x)``) reads no tensor at its position and says nothing of time.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static.flow.tensor_ops import keyword_name
from shapelint.static.layout import Axis, RnnSource, Role, RoleSize, Tensor, normalise_dim
from shapelint.static.values import UNKNOWN, CellModule, Items, Literal, Position, Stepped, Steps, Value

if TYPE_CHECKING:
    from shapelint.static.flow.function import FunctionFlow

# The roles a counted size gives the axis of the steps as they are: a loop over time steps, or one over samples.
_KNOWN_STEPS = (Role.TIME, Role.BATCH)
# Reversing a list: a backward loop's outputs put back in time order. A forward loop's reversed is left
# unknown: it may have read an input reversed beforehand (``torch.flip``), which nothing here follows.
_FLIPPED = {"backward": "forward"}


@dataclass(frozen=True)
class _Body:
    """What a loop's code says, read once per loop (its syntax, not its values): whether every index
    that uses the position is the position itself (``x[:, t]``, not ``x[:, T - 1 - t]``); the names a
    round reads before it assigns them anew; whether an assignment computes by calls what it held."""

    bare: bool
    carried: frozenset[str]
    calls_itself: bool


@dataclass
class Loop:
    """A ``for`` loop over steps as the flow runs it. It is a recurrence once it steps a cell, or once
    it reads a tensor at its position while it carries a state (asked only then: reading the body costs)."""

    node: cst.For
    name: str
    position: Position
    backward: bool
    held_tensors: frozenset[str]  # names holding tensors as the loop starts
    steps_a_cell: bool = False
    reads_steps: bool = False
    # The lists it fills, as its first round left them: a later round starts from a state that is
    # not followed (`h` unknown at the head of the loop), but a recurrence keeps its state's layout.
    filled: dict[str, Stepped] = field(default_factory=dict)
    slices: bool = False  # each round is handed a step's slice (`for x_t in x.unbind(1)`)

    @property
    def recurrent(self) -> bool:
        if self.steps_a_cell:
            return True
        if not self.reads_steps:
            return False
        body = _body(self.node, self.name)
        return body.calls_itself or bool(body.carried & self.held_tensors)

    @property
    def order(self) -> str | None:
        """``forward`` or ``backward`` where the loop reads its steps at its own position, else None."""
        if not (self.slices or _body(self.node, self.name).bare):
            return None
        return "backward" if self.backward else "forward"


def entered(flow: FunctionFlow, loop: cst.For, over: Value, bound: Value) -> Loop | None:
    """The loop ``loop`` as it starts a round, if it walks steps: positions (``for t in range(...)``),
    or the slices of ``x.unbind(1)`` (``over``: what it iterates, ``bound``: what a round binds)."""
    if not isinstance(over, Steps) or not isinstance(loop.target, cst.Name):
        return None
    position = bound if isinstance(bound, Position) else Position(over)
    known = flow.loops.get(loop)
    if known is not None:
        known.position = position  # a second run of the body (after its first iteration): what it showed holds
        return known
    held = frozenset(name for name, value in flow.env.items() if _holds_tensor(value))
    found = Loop(loop, loop.target.value, position, over.backward, held)
    if over.slices is not None:
        found.slices = found.reads_steps = True
    flow.loops[loop] = found
    return found


def read_at(flow: FunctionFlow, position: Position) -> None:
    """A tensor indexed at a loop's position (``x[:, t]``): the loop reads one step of it per round."""
    for loop in flow.stepping:
        if loop.position is position:
            loop.reads_steps = True


def cell_call(flow: FunctionFlow, cell: CellModule, call: cst.Call, args: list[Value]) -> Value:
    """``self.cell(x_t, state)``: ``(batch, hidden)``, its batch that of the input (or of the state)."""
    if flow.stepping:
        flow.stepping[-1].steps_a_cell = True
    given = args[0] if args else UNKNOWN
    state = args[1] if len(args) > 1 else UNKNOWN
    states = state.values if isinstance(state, Items) else (state,)
    candidates = [value for value in (given, *states) if isinstance(value, Tensor) and value.rank == 2]
    if not candidates or (isinstance(given, Tensor) and given.rank != 2):
        return UNKNOWN  # an unbatched step, or nothing known of the batch
    batch = next((value.axes[0] for value in candidates if value.axes[0].role is Role.BATCH), candidates[0].axes[0])
    out = Tensor((batch, Axis(Role.FEAT, call)), "state of the RNN cell", call)
    return Items((out, replace(out))) if cell.returns_cell_state else out


def appended(flow: FunctionFlow, name: str, held: Value, item: Value, front: bool) -> Value:
    """``outs.append(h)`` (or ``outs.insert(0, h)``: ``front``) in a loop over positions."""
    loop = flow.stepping[-1] if flow.stepping else None
    if loop is None or not (held == Items(()) or (isinstance(held, Stepped) and held.where is loop.node)):
        return UNKNOWN  # a list with other items, or filled by another loop
    if not isinstance(item, Tensor):
        return loop.filled.get(name, UNKNOWN)
    order = loop.order if not front else _FLIPPED.get(loop.order or "")
    step = held.step if isinstance(held, Stepped) else _step_axis(flow, loop.position, loop.node, loop.recurrent)
    loop.filled[name] = Stepped(item, step, order, loop.node)
    return loop.filled[name]


def reversed_steps(held: Stepped) -> Stepped:
    """``outs[::-1]``, ``reversed(outs)``, ``outs.reverse()``."""
    return replace(held, order=_FLIPPED.get(held.order or ""))


def mapped(held: Stepped, element: Value) -> Value:
    """``[o.unsqueeze(0) for o in outs]``: the same steps, each mapped."""
    return replace(held, element=element) if isinstance(element, Tensor) else UNKNOWN


def stacked(call: cst.Call, args: list[Value]) -> Value:
    """``torch.stack(outs, dim)``: the steps on a new axis ``dim``; ``torch.stack([h_f, h_b])`` of
    tensors of one layout: a new axis of unknown role."""
    given = args[0] if args else UNKNOWN
    dim = _dim(call, args)
    if isinstance(given, Stepped):
        position = normalise_dim(dim, given.element.rank + 1) if dim is not None else None
        if position is None:
            return UNKNOWN
        axes = list(given.element.axes)
        axes.insert(position, given.step)
        return _steps_tensor(given, tuple(axes), call)
    tensors = given.values if isinstance(given, Items) else ()
    if not tensors or not all(isinstance(value, Tensor) for value in tensors) or dim is None:
        return UNKNOWN
    first = tensors[0]
    assert isinstance(first, Tensor)
    position = normalise_dim(dim, first.rank + 1)
    if position is None or any(value.rank != first.rank for value in tensors if isinstance(value, Tensor)):
        return UNKNOWN
    axes = list(first.axes)
    axes.insert(position, Axis(Role.UNKNOWN, call))
    return Tensor(tuple(axes), first.origin, first.where)


def joined_steps(call: cst.Call, args: list[Value]) -> Value:
    """``torch.cat(outs, dim)`` of steps that each have a size-1 axis ``dim`` (``o.unsqueeze(1)``, a
    one-step RNN output): the steps on that axis."""
    given = args[0]
    assert isinstance(given, Stepped)
    dim = _dim(call, args)
    position = normalise_dim(dim, given.element.rank) if dim is not None else None
    if position is None or not given.element.axes[position].singleton:
        return UNKNOWN
    axes = list(given.element.axes)
    axes[position] = given.step
    return _steps_tensor(given, tuple(axes), call)


def _steps_tensor(given: Stepped, axes: tuple[Axis, ...], call: cst.Call) -> Tensor:
    """The steps joined into one tensor: an RNN's outputs where they are the steps of time (a loop over
    samples, or over layers, makes another axis of what each round gives)."""
    tensor = Tensor(axes, "", call)
    if given.step.role is not Role.TIME or not (tensor.is_time_major() or tensor.is_batch_first()):
        return Tensor(axes, given.element.origin, given.element.where)
    layout = "time-major" if tensor.is_time_major() else "batch-first"
    source = RnnSource(given.where, False, None, tensor.is_batch_first(), steps_order=given.order)
    return replace(tensor, origin=f"per-step outputs of the loop, stacked {layout}", rnn=source)


def _dim(call: cst.Call, args: list[Value]) -> int | None:
    dims = [value for arg, value in zip(call.args[1:], args[1:]) if keyword_name(arg) in (None, "dim")]
    dim = dims[0] if dims else Literal(0)
    return dim.value if isinstance(dim, Literal) and type(dim.value) is int else None


def comprehended(flow: FunctionFlow, node: cst.ListComp, position: Position, element: Value) -> Value:
    """``[self.proj(x[:, t]) for t in range(x.size(1))]``: one output per position; not a recurrence
    (a comprehension carries no state), so the steps are an axis only where what it counts is known."""
    if not isinstance(element, Tensor):
        return UNKNOWN
    order = "backward" if position.steps.backward else "forward"
    return Stepped(element, _step_axis(flow, position, node, recurrent=False), order, node)


def _step_axis(flow: FunctionFlow, position: Position, where: cst.CSTNode, recurrent: bool) -> Axis:
    """The axis a stack of a loop's outputs gets: the axis the loop counts, if its role is known; a
    time axis if the loop is a recurrence (one per counted size, so that two directions share it)."""
    counts = position.steps.counts
    if isinstance(counts, Axis) and counts.role in _KNOWN_STEPS:
        return counts
    key = counts if counts is not None else where
    role = counts.role if isinstance(counts, RoleSize) and counts.role in _KNOWN_STEPS else None
    if role is None and recurrent:
        role = Role.TIME
    if role is None:
        return counts if isinstance(counts, Axis) else Axis(Role.UNKNOWN, where)
    axis = flow.step_axes.get((key, role))
    if axis is None:
        axis = flow.step_axes[(key, role)] = Axis(role, where)
    return axis


@functools.lru_cache(maxsize=4096)
def _body(loop: cst.For, name: str) -> _Body:
    """The facts of :class:`_Body` for the loop whose position is ``name`` (nodes hash by identity).

    A state a round hands the next is a name it reads before it assigns it (``hx = (h_next, c_next)``
    after ``cell(x[t], hx)``), or one an assignment computes by calls from itself (``h = self.cell(x_t,
    h)``: the state of a loop that starts from nothing known). A name each round assigns before reading
    it (``h = self.proj(x[:, t])``) carries nothing, and a counter holds no tensor."""
    bare = all(_bare(index, name) for index in _indices_naming(loop.body, name))
    first: dict[str, bool] = {}  # name -> whether the round first reads it (else first assigns it)
    assigned: set[str] = set()
    for used, read in _uses(loop.body):
        first.setdefault(used, read)
        if not read:
            assigned.add(used)
    calls_itself = False
    for node in _walk(loop.body):
        if isinstance(node, cst.Assign) and isinstance(node.value, cst.Call):
            own = {target for piece in node.targets for target in _names(piece.target)}
            if any(isinstance(part, cst.Name) and part.value in own for part in _walk(node.value)):
                calls_itself = True
                break
    return _Body(bare, frozenset(used for used in assigned if first[used]), calls_itself)


def _uses(node: cst.CSTNode) -> Iterator[tuple[str, bool]]:
    """The names ``node`` reads (True) and assigns (False), in the order a round meets them: an
    assignment's value before its targets."""
    if isinstance(node, cst.Name):
        yield node.value, True
    elif isinstance(node, cst.Assign):
        yield from _uses(node.value)
        for target in node.targets:
            yield from _targets(target.target)
    elif isinstance(node, cst.AugAssign):
        yield from _uses(node.value)
        yield from _uses(node.target)
        yield from _targets(node.target)
    elif not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        for child in _children(node):
            yield from _uses(child)


def _targets(target: cst.BaseExpression) -> Iterator[tuple[str, bool]]:
    """What an assignment target binds (False), and what it reads (``outputs[t] = ...`` reads ``t``)."""
    if isinstance(target, cst.Name):
        yield target.value, False
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _targets(element.value)
    else:
        yield from _uses(target)


def _holds_tensor(value: Value | None) -> bool:
    if isinstance(value, Items):
        return any(_holds_tensor(item) for item in value.values)
    return isinstance(value, Tensor)


def _names(node: cst.BaseExpression) -> Iterator[str]:
    if isinstance(node, cst.Name):
        yield node.value
    elif isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            yield from _names(element.value)


def _indices_naming(body: cst.BaseSuite, name: str) -> Iterator[cst.BaseExpression]:
    """The subscript indices in the loop that use the loop's position."""
    for node in _walk(body):
        if isinstance(node, cst.Subscript):
            for element in node.slice:
                piece = element.slice
                if isinstance(piece, cst.Index) and any(
                    isinstance(part, cst.Name) and part.value == name for part in _walk(piece.value)
                ):
                    yield piece.value


def _bare(index: cst.BaseExpression, name: str) -> bool:
    return isinstance(index, cst.Name) and index.value == name


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``node``, not into nested functions or classes (their names are their own)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(
            child for child in _children(current) if not isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda))
        )


def _children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The nodes in ``node``'s fields, in order: libcst's ``children`` rebuilds the node to find them,
    many times slower."""
    for name in _field_names(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (item for item in value if isinstance(item, cst.CSTNode))


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(item.name for item in dataclasses.fields(kind))
