"""`h_n[-1]` of a bidirectional RNN taken as the final state."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from shapelint.static.events import IndexEvent
from shapelint.static.examples import module
from shapelint.static.imports import dotted_name
from shapelint.static.messages import short
from shapelint.static.rewrites import concatenated
from shapelint.static.rules import Report, SourceView, StaticRule

_BIDIRECTIONAL = "nn.LSTM(8, 16, batch_first=True, bidirectional=True)"


class HnLastBidir(StaticRule[IndexEvent]):
    """`h_n[-1]` of a bidirectional RNN is only its backward direction.

    ## What it does
    Flags `h_n[-1]` (or `h_n[-1, :, :]`) of a bidirectional RNN when the function never
    takes `h_n[-2]` and the pick is not part of a `torch.cat`/`torch.stack`.

    ## Why is this bad?
    For a bidirectional RNN the last two rows of `h_n` are the forward and backward
    final states of the last layer; `h_n[-1]` is the backward one alone, which has read
    the sequence from its end to its first token. Half of what the encoder learnt is
    dropped, and nothing says so.

    ## Example
    ```python
    out, (h_n, c_n) = self.lstm(x)        # bidirectional=True
    logits = self.fc(h_n[-1])
    ```

    ## Use instead
    ```python
    logits = self.fc(torch.cat([h_n[-2], h_n[-1]], dim=-1))   # fc takes 2 * hidden
    ```

    ## Fix safety
    `--fix` makes this change only where the layer that takes `h_n[-1]` already expects
    both directions, so nothing else has to change: `self.fc(h_n[-1])` with
    `self.fc = nn.Linear(2 * H, ...)` (or `H * 2`, `H + H`, or the number), `H` being
    written as in the RNN's `hidden_size`, where the code as it stands fails on the size;
    or `self.fc = nn.LazyLinear(...)`, which sizes itself on its first call. Everywhere
    else (`nn.Linear(H, ...)`, `h_n[-1]` returned or stored) the change would alter a
    layer's input size or the model's interface, so the message only suggests it.
    """

    code = "SHP203"
    name = "hn-last-bidir"
    fix_title = "Concatenate both directions: `torch.cat([h_n[-2], h_n[-1]], dim=-1)`"
    event = IndexEvent
    VALID = (
        module(_BIDIRECTIONAL, "out, (h_n, c_n) = self.rnn(x)\nreturn torch.cat([h_n[-2], h_n[-1]], 1)"),
        module(_BIDIRECTIONAL, "out, (h_n, c_n) = self.rnn(x)\nforward, backward = h_n[-2], h_n[-1]\nreturn forward"),
        module("nn.LSTM(8, 16, num_layers=2, batch_first=True)", "out, (h_n, c_n) = self.rnn(x)\nreturn h_n[-1]"),
        module(_BIDIRECTIONAL, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n.view(1, 2, -1, 16)[-1]"),
    )
    INVALID = (
        module(_BIDIRECTIONAL, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n[-1]"),
        module("nn.GRU(8, 16, 2, True, True, 0.0, True)", "out, h_n = self.rnn(x)\nreturn h_n[-1, :, :]"),
        # Fixed automatically: `fc` already takes both directions.
        module(
            _BIDIRECTIONAL,
            "out, (h_n, c_n) = self.rnn(x)\nreturn self.fc(h_n[-1])",
            extra_init="self.fc = nn.Linear(2 * 16, 4)",
        ),
    )

    def check(self, event: IndexEvent, source: SourceView) -> Iterator[Report]:
        rnn = event.tensor.rnn
        if rnn is None or not rnn.state or not rnn.bidirectional or event.per_axis[0] != -1:
            return
        if event.in_concat or -2 in event.first_axis_picks:
            return
        receiver = short(source.code(event.node.value), 30)
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` is only the backward direction of the last layer of the "
            f"bidirectional RNN at {source.at(rnn.where)} (its (layers*dirs, batch, hidden) state ends "
            f"forward, backward); use `torch.cat([{receiver}[-2], {receiver}[-1]], dim=-1)`",
            _both_directions(event, source),
        )


def _both_directions(event: IndexEvent, source: SourceView) -> cst.Call | None:
    """The repair, when the layer `h_n[-1]` goes to already takes both directions and nothing else must change."""
    layer, rnn, torch = event.fed_to, event.tensor.rnn, source.imported_as("torch")
    if layer is None or rnn is None or torch is None or any(index != ":" for index in event.per_axis[1:]):
        return None
    if not (layer.sized_on_first_call or _twice(layer.in_size, rnn.state_size)):
        return None
    first = event.node.slice[0]
    pick = first.slice
    if not (
        isinstance(pick, cst.Index)
        and isinstance(pick.value, cst.UnaryOperation)
        and isinstance(pick.value.operator, cst.Minus)
        and isinstance(pick.value.expression, cst.Integer)
    ):
        return None  # `-1` spelt some other way: rewriting it is not worth the risk
    # The same subscript with `-2`: `h_n[-1, :, :]` keeps its form.
    forward = pick.with_changes(value=pick.value.with_changes(expression=cst.Integer("2")))
    forward_pick = event.node.with_changes(slice=[first.with_changes(slice=forward), *event.node.slice[1:]])
    return concatenated(torch, [forward_pick, event.node], dim=-1)


def _twice(total: cst.BaseExpression | None, part: cst.BaseExpression | None) -> bool:
    """``total`` is plainly twice ``part``: ``2 * H``, ``H * 2``, ``H + H``, or numbers."""
    if total is None or part is None:
        return False
    if isinstance(total, cst.Integer) and isinstance(part, cst.Integer):
        return total.evaluated_value == 2 * part.evaluated_value
    if not isinstance(total, cst.BinaryOperation):
        return False
    left, right = total.left, total.right
    if isinstance(total.operator, cst.Add):
        return _same(left, part) and _same(right, part)
    if isinstance(total.operator, cst.Multiply):
        return (_is_two(left) and _same(right, part)) or (_is_two(right) and _same(left, part))
    return False


def _is_two(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Integer) and node.evaluated_value == 2


def _same(first: cst.BaseExpression, second: cst.BaseExpression) -> bool:
    """The same number, or the same name (``hidden_dim``, ``self.hidden_dim``)."""
    if isinstance(first, cst.Integer) and isinstance(second, cst.Integer):
        return first.evaluated_value == second.evaluated_value
    name = dotted_name(first)
    return name is not None and name == dotted_name(second)
