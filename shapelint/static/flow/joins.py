"""Where two paths meet: a name keeps its value only if both paths agree on it."""

from __future__ import annotations

from dataclasses import replace

from shapelint.static.layout import UNKNOWN_MEMORY, Axis, Role, Tensor
from shapelint.static.values import UNKNOWN, Either, Instance, Items, LayerModule, Stepped, Value

Env = dict[str, Value]

# Objects a name may hold after branches; more, and the name is unknown (each is analysed at a call).
MAX_OPTIONS = 4


def join(first: Env, second: Env) -> Env:
    """A name bound on one path only (``self.attention`` set under ``if config.use_attention:``,
    ``scores`` in each branch of an ``if``/``elif`` chain without ``else``) keeps its value: on the
    other path reading it raises, so wherever it is read it holds that value."""
    joined = {}
    for name in first.keys() | second.keys():
        one, other = first.get(name), second.get(name)
        if one is None or other is None:
            joined[name] = one if one is not None else other or UNKNOWN
        else:
            joined[name] = merged_value(one, other)
    return joined


def join_after_loop(before: Env, after: Env) -> Env:
    """As :func:`join`; a tensor that a loop replaced by one of the same layout (``layer_input = outputs``
    of a layer stacked by hand on a transposed input; a cell's state after ``zeros(batch, self.hidden)``)
    keeps that layout as the last round left it, the RNN output it is included, its memory order
    unknown, padded only if padded either way."""
    joined = join(before, after)
    for name, value in after.items():
        old = before.get(name)
        if isinstance(value, Tensor) and isinstance(old, Tensor) and _same_layout(value, old):
            padding = value.padding if value.padding is not None and old.padding is not None else None
            joined[name] = replace(value.with_axes(value.axes, UNKNOWN_MEMORY), padding=padding)
    return joined


def _same_layout(first: Tensor, second: Tensor) -> bool:
    """Batch, time and layers where they were; features may be what was of unknown role (an initial
    state of ``zeros(batch, self.hidden)``, then a cell's output)."""
    if first.rank != second.rank:
        return False
    loose = {Role.FEAT, Role.UNKNOWN}
    return all(
        one.singleton == other.singleton
        and not one.parts
        and not other.parts
        and (one.role is other.role or {one.role, other.role} <= loose)
        for one, other in zip(first.axes, second.axes)
    )


def merged_value(first: Value | None, second: Value | None) -> Value:
    """What a name holds after two paths (or two assignments) gave it these values."""
    if first is not None and agree(first, second):
        return first
    for steps, other in ((first, second), (second, first)):
        if isinstance(steps, Stepped) and other == Items(()):
            return steps  # a loop over steps that may not have run
    if isinstance(first, Tensor) and isinstance(second, Tensor) and _axis_shape(first.axes) == _axis_shape(second.axes):
        # The same roles either way, laid out differently in memory (an RNN's output, or a layer's of it:
        # `if self.proj is not None: keys = self.proj(keys)`): the roles hold, not the memory order. Padded
        # only if padded either way.
        both_padded = first.padding is not None and second.padding is not None
        return replace(
            first,
            memory=UNKNOWN_MEMORY,
            noncontiguous=None,
            rnn=first.rnn if first.rnn == second.rnn else None,
            padding=first.padding if both_padded else None,
        )
    if isinstance(first, LayerModule) and isinstance(second, LayerModule) and first.kind == second.kind:
        return LayerModule(first.kind)  # the same kind of layer either way; its sizes are not known
    if isinstance(first, (Instance, Either)) and isinstance(second, (Instance, Either)):
        options = tuple(dict.fromkeys((*_options(first), *_options(second))))
        return Either(options) if len(options) <= MAX_OPTIONS else UNKNOWN
    return UNKNOWN


def _options(value: Instance | Either) -> tuple[Instance, ...]:
    return value.options if isinstance(value, Either) else (value,)


def agree(first: Value | None, second: Value | None) -> bool:
    """Same value, or tensors of the same layout made on two paths (their axes are other objects)."""
    if first == second:
        return True
    if isinstance(first, Tensor) and isinstance(second, Tensor):
        return first.memory == second.memory and _axis_shape(first.axes) == _axis_shape(second.axes)
    if isinstance(first, Items) and isinstance(second, Items) and len(first.values) == len(second.values):
        return all(agree(a, b) for a, b in zip(first.values, second.values))
    return False


def _axis_shape(axes: tuple[Axis, ...]) -> tuple[object, ...]:
    return tuple((axis.role, axis.singleton, axis.assumed, _axis_shape(axis.parts)) for axis in axes)
