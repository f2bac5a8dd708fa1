"""The last time step of a bidirectional RNN's output used as the sequence summary."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import IndexEvent
from shapelint.static.examples import module
from shapelint.static.layout import Role
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_BIDIRECTIONAL = "nn.LSTM(8, 16, batch_first=True, bidirectional=True)"


class BidirLastStep(StaticRule[IndexEvent]):
    """`out[:, -1]` of a bidirectional RNN: the backward half has read one token.

    ## What it does
    Flags taking the last time step of a bidirectional RNN's output (`out[:, -1]`
    batch-first, `out[-1]` time-major) with all its features, unless it is one piece of
    a `torch.cat`/`torch.stack`, and taking the backward half of the features there
    (`out[:, -1, hidden:]`), in any expression.

    ## Why is this bad?
    The backward direction runs from the end of the sequence: at the last time step it
    has seen only the last token. As a summary of the sequence, half of the vector is
    close to useless; the backward summary is at the first time step.

    ## Example
    ```python
    out, _ = self.lstm(x)                  # bidirectional=True, batch_first=True
    summary = out[:, -1]
    ```

    ## Use instead
    ```python
    summary = torch.cat([out[:, -1, :hidden], out[:, 0, hidden:]], dim=-1)
    ```
    or `torch.cat([h_n[-2], h_n[-1]], dim=-1)`.
    """

    code = "SHP205"
    name = "bidir-last-step"
    fix_title = "Join the forward half's last step with the backward half's first step"
    event = IndexEvent
    VALID = (
        module(_BIDIRECTIONAL, "out, _ = self.rnn(x)\nreturn torch.cat([out[:, -1, :16], out[:, 0, 16:]], -1)"),
        module("nn.LSTM(8, 16, batch_first=True)", "out, _ = self.rnn(x)\nreturn out[:, -1]"),
        module(_BIDIRECTIONAL, "out, _ = self.rnn(x)\nreturn out[:, -1, :16]"),
        module(_BIDIRECTIONAL, "out, _ = self.rnn(x)\nreturn torch.stack([out[:, -1], out[:, 0]], 1)"),
    )
    INVALID = (
        module(_BIDIRECTIONAL, "out, _ = self.rnn(x)\nreturn out[:, -1]"),
        # The two halves, both at the last step: the backward one has read one token.
        module(_BIDIRECTIONAL, "out, _ = self.rnn(x)\nreturn (out[:, -1, :16] + out[:, -1, 16:]) / 2"),
        module(
            "nn.GRU(8, 16, bidirectional=True)",
            "out, _ = self.rnn(x)\nreturn out[-1]",
            'x: Float[Tensor, "seq batch e"]',
        ),
        module(_BIDIRECTIONAL, "out, _ = self.rnn(x)\nreturn out[:, -1, :]"),
    )

    def check(self, event: IndexEvent, source: SourceView) -> Iterator[Report]:
        tensor, rnn = event.tensor, event.tensor.rnn
        if rnn is None or rnn.state or not rnn.bidirectional:
            return
        time, feat = tensor.role_position(Role.TIME), tensor.role_position(Role.FEAT)
        if time is None or feat is None or event.per_axis[time] != -1:
            return
        receiver = short(source.code(event.node.value), 30)
        first = "[:, 0" if time == 1 else "[0"
        last = "[:, -1" if time == 1 else "[-1"
        if _backward_half(event, feat):
            yield self._backward_half(event, source, receiver, first)
            return
        if event.per_axis[feat] != ":" or event.in_concat:
            return
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` takes the last step of `{receiver}` {layout_words(tensor)}, the "
            f"output of the bidirectional RNN at {source.at(rnn.where)}: its backward half has read only the "
            f"last token; use `torch.cat([{receiver}{last}, :hidden], {receiver}{first}, hidden:]], dim=-1)` "
            "or both directions of `h_n`",
        )

    def _backward_half(self, event: IndexEvent, source: SourceView, receiver: str, first: str) -> Report:
        code = source.code(event.node)
        features = source.code(event.node.slice[-1].slice)
        rnn = event.tensor.rnn
        assert rnn is not None
        return Report(
            event.node,
            f"`{short(code)}` takes the features from `{short(features, 30)}` on, the backward half of "
            f"`{receiver}` {layout_words(event.tensor)} (the output of the bidirectional RNN at "
            f"{source.at(rnn.where)}), at the last step, where the backward direction has read only the last "
            f"token; its summary of the sequence is at the first step: use `{receiver}{first}, {short(features, 30)}]`",
        )


def _backward_half(event: IndexEvent, feat: int) -> bool:
    """``out[:, -1, hidden:]``: a slice of the features that runs to their end holds backward features."""
    if event.per_axis[feat] != "slice" or feat >= len(event.slices) or feat != len(event.per_axis) - 1:
        return False
    bounds = event.slices[feat]
    return bounds is not None and bounds.lower is not None and bounds.upper is None
