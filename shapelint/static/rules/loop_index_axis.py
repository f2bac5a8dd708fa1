"""A loop over time steps that indexes the batch axis (or a loop over samples that indexes time)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from shapelint.static.events import PositionIndexEvent
from shapelint.static.examples import module
from shapelint.static.layout import Axis, Role, RoleSize, SizeAtom, Tensor
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_CELL = "nn.LSTMCell(8, 16)"
_BATCH_FIRST = 'x: Float[Tensor, "batch seq emb"]'
_TIME_MAJOR = 'x: Float[Tensor, "seq batch emb"]'


def _loop(bound: str, step: str, params: str = _BATCH_FIRST) -> str:
    """A hand-written recurrence over ``x`` with an LSTM cell."""
    body = f"state = None\nfor t in range({bound}):\n    state = self.rnn({step}, state)\nreturn state[0]"
    return module(_CELL, body, params)


class LoopIndexAxis(StaticRule[PositionIndexEvent]):
    """`x[t]` in a loop over time steps, where axis 0 of `x` is the batch.

    ## What it does
    Flags indexing with a loop variable that walks one axis (`for t in range(x.size(1))`,
    `range(seq_len)`) into another axis of known meaning: a loop over time steps that
    indexes the batch axis, or a loop over samples that indexes the time axis. This is
    how a hand-written recurrence (an `LSTMCell` stepped in a loop, an attention decoder)
    gets its layout wrong.

    ## Why is this bad?
    On a batch-first `x`, `x[t]` is sample `t` with all its time steps, not step `t` of
    every sample. The cell then reads time steps as a batch; the loop bound hides it
    only while the batch and the sequence have the same length, and otherwise the run
    stops with an index error or, with more samples than steps, silently skips samples.

    ## Example
    ```python
    for t in range(x.size(1)):        # x: (batch, time, emb)
        h, c = self.cell(x[t], (h, c))
    ```

    ## Use instead
    ```python
    for t in range(x.size(1)):
        h, c = self.cell(x[:, t], (h, c))
    ```
    """

    code = "SHP108"
    name = "loop-index-axis"
    fix_title = "Index the axis the loop walks"
    event = PositionIndexEvent
    VALID = (
        _loop("x.size(1)", "x[:, t]"),
        _loop("x.size(0)", "x[t]", _TIME_MAJOR),
        _loop("seq_len", "x[:, t]"),
        # A loop over samples that picks each sample: per-sample processing.
        module(_CELL, "outs = []\nfor i in range(x.size(0)):\n    outs.append(self.rnn(x[i]))\nreturn outs"),
        # Unknown layout: nothing to compare with.
        module(_CELL, "for t in range(x.size(1)):\n    h = self.rnn(x[t])\nreturn h", "x"),
    )
    INVALID = (
        _loop("x.size(1)", "x[t]"),
        _loop("seq_len", "x[t]"),
        _loop("x.size(0)", "x[:, t]", _TIME_MAJOR),
        _loop("batch_size", "x[:, t]"),
    )

    def check(self, event: PositionIndexEvent, source: SourceView) -> Iterator[Report]:
        tensor, counted = event.tensor, event.position.steps.counts
        assert counted is not None  # an event says what the loop counts
        indexed = tensor.axes[event.axis]
        index = short(source.code(event.index), 20)
        receiver = short(source.code(event.node.value), 30)
        where = event.position.steps.where
        steps = f"`{short(source.code(where), 40)}` at {source.at(where)}"
        walks = "time steps" if counted.role is Role.TIME else "samples"
        picked, other = ("sample", "step") if indexed.role is Role.BATCH else ("step", "sample")
        target = next((position for position, axis in enumerate(tensor.axes) if _walked(axis, counted, tensor)), None)
        fix = ""
        if target is not None and _only_position(event):
            fix = f"; use `{receiver}[{', '.join([':'] * target + [index])}]`"
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` indexes the {indexed.role.value} axis of `{receiver}` "
            f"{layout_words(tensor)} with `{index}`, which walks {walks} ({steps}): it picks {picked} number "
            f"`{index}`, not {other} number `{index}`{fix}",
        )


def _only_position(event: PositionIndexEvent) -> bool:
    """The subscript is the loop index and full slices (`x[t]`, `x[:, t]`): moving it is the fix."""
    for element in event.node.slice:
        piece = element.slice
        if isinstance(piece, cst.Index) and piece.value is event.index:
            continue
        if not (isinstance(piece, cst.Slice) and piece.lower is None and piece.upper is None and piece.step is None):
            return False
    return True


def _walked(axis: Axis, counted: SizeAtom, tensor: Tensor) -> bool:
    """The axis the loop walks: the very axis it counts, or one of the role a named size (or another
    tensor's axis, `max_len` of `trg.size()` for a buffer of `zeros(max_len, ...)`) counts."""
    if axis is counted:
        return True
    return axis.role is counted.role and (isinstance(counted, RoleSize) or counted not in tensor.axes)
