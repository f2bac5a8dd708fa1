"""Tensors written element by element: a buffer filled in loops from another tensor's elements.

``scores = torch.zeros(batch, max_len)``, then ``scores[b, i] = score(outputs[i, b])`` for ``i`` in
``range(max_len)`` with ``max_len = outputs.size(0)``: each step of the buffer is computed from a
step of ``outputs``, all of them, so the buffer's steps are those of ``outputs``, its padded ones
too. The fill mutates the buffer, so every later read of it sees the padding, on every path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static.layout import RnnSource, Role, Tensor
from shapelint.static.values import Items, Literal, Position, Value

if TYPE_CHECKING:
    from shapelint.static.flow.function import FunctionFlow


def record_fill(flow: FunctionFlow, target: cst.Subscript, value: cst.BaseExpression, written: Value) -> None:
    """``buffer[b, i] = ...`` at loop positions, from a padded tensor indexed by the same position on
    its time axis, whose steps that position walks: the buffer's time axis holds that padding.
    ``outputs[t] = h`` in a recurrence: the buffer holds its per-step outputs."""
    if not isinstance(target.value, cst.Name):
        return
    buffer = flow.env.get(target.value.value)
    if not isinstance(buffer, Tensor):
        return
    positions = _positions(flow, target)
    time = buffer.role_position(Role.TIME)
    if positions is None or time is None:
        return
    if not isinstance(written, (Items, Literal)):  # what a step gives, if known a tensor (not a tuple, a number)
        _record_steps(flow, buffer, positions, time)
    if len(positions) != buffer.rank or buffer.padding is not None:
        return
    step_name = positions[time]
    if step_name is None:
        return
    for source, indexed in _read_elements(flow, value):
        source_time = source.role_position(Role.TIME)
        if source.padding is None or source_time is None or source_time >= len(indexed):
            continue
        if indexed[source_time] != step_name:
            continue
        step = flow.env[step_name]
        assert isinstance(step, Position)
        if step.steps.counts is source.axes[source_time]:
            flow.filled[buffer.axes[time]] = replace(source.padding, filled_at=target)
            return


def _record_steps(flow: FunctionFlow, buffer: Tensor, positions: list[str | None], time: int) -> None:
    """``outputs[t] = h`` (``outputs[:, t] = h``): each step of a recurrence written on the time axis."""
    step_name = positions[time] if time < len(positions) else None
    loop = next((loop for loop in flow.stepping if loop.name == step_name), None)
    if loop is None or not loop.recurrent or buffer.rnn is not None:
        return
    if any(name is not None for at, name in enumerate(positions) if at != time):
        return  # one element at a time (`scores[b, t] = ...`), not a step's output
    layout = "time-major" if buffer.is_time_major() else "batch-first"
    flow.steps_written[buffer.axes[time]] = (RnnSource(loop.node, False, None, buffer.is_batch_first()), layout)


def seen_filled(flow: FunctionFlow, value: Value) -> Value:
    """A read of a buffer whose time axis a fill gave padding (:func:`record_fill`), or that a
    recurrence wrote its steps into."""
    if not isinstance(value, Tensor):
        return value
    time = value.role_position(Role.TIME)
    if time is None:
        return value
    padding = flow.filled.get(value.axes[time])
    if padding is not None and value.padding is None:
        value = replace(value, padding=padding)
    written = flow.steps_written.get(value.axes[time])
    if written is not None and value.rnn is None:
        source, layout = written
        value = replace(value, rnn=source, origin=f"buffer of per-step outputs ({layout}) of the loop")
    return value


def _positions(flow: FunctionFlow, node: cst.Subscript) -> list[str | None] | None:
    """Per indexed axis, the name of the loop position that indexes it (None: something else, such as
    ``:``); None when the index inserts or skips axes (``None``, ``...``)."""
    found: list[str | None] = []
    for element in node.slice:
        piece = element.slice
        if not isinstance(piece, cst.Index):
            found.append(None)
        elif isinstance(piece.value, cst.Name) and isinstance(flow.env.get(piece.value.value), Position):
            found.append(piece.value.value)
        elif _inserts_or_skips(piece.value):
            return None
        else:
            found.append(None)
    return found


def _inserts_or_skips(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Ellipsis) or (isinstance(node, cst.Name) and node.value == "None")


def _read_elements(flow: FunctionFlow, value: cst.BaseExpression) -> list[tuple[Tensor, list[str | None]]]:
    """The tensors that ``value`` indexes by name (``outputs[i, b]``), with the positions indexing each axis."""
    found = []
    for node in _subscripts(value):
        assert isinstance(node.value, cst.Name)
        source = flow.env.get(node.value.value)
        positions = _positions(flow, node)
        if isinstance(source, Tensor) and positions is not None:
            found.append((source, positions))
    return found


def _subscripts(node: cst.BaseExpression) -> Iterator[cst.Subscript]:
    """Subscripts of a name in an expression of calls, attributes and operators (a score is written
    so); read field by field, as libcst's generic traversal costs more than it is worth here."""
    if isinstance(node, cst.Subscript):
        if isinstance(node.value, cst.Name):
            yield node
        else:
            yield from _subscripts(node.value)
    elif isinstance(node, cst.Call):
        yield from _subscripts(node.func)
        for arg in node.args:
            yield from _subscripts(arg.value)
    elif isinstance(node, cst.Attribute):
        yield from _subscripts(node.value)
    elif isinstance(node, cst.BinaryOperation):
        yield from _subscripts(node.left)
        yield from _subscripts(node.right)
    elif isinstance(node, cst.UnaryOperation):
        yield from _subscripts(node.expression)
    elif isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            yield from _subscripts(element.value)
