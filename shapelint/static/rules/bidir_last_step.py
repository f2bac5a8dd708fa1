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
    a `torch.cat`/`torch.stack`.

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
        module(
            "nn.GRU(8, 16, bidirectional=True)",
            "out, _ = self.rnn(x)\nreturn out[-1]",
            'x: Float[Tensor, "seq batch e"]',
        ),
        module(_BIDIRECTIONAL, "out, _ = self.rnn(x)\nreturn out[:, -1, :]"),
    )

    def check(self, event: IndexEvent, source: SourceView) -> Iterator[Report]:
        tensor, rnn = event.tensor, event.tensor.rnn
        if rnn is None or rnn.state or not rnn.bidirectional or event.in_concat:
            return
        time, feat = tensor.role_position(Role.TIME), tensor.role_position(Role.FEAT)
        if time is None or feat is None or event.per_axis[time] != -1 or event.per_axis[feat] != ":":
            return
        receiver = short(source.code(event.node.value), 30)
        first = "[:, 0" if time == 1 else "[0"
        last = "[:, -1" if time == 1 else "[-1"
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` takes the last step of `{receiver}` {layout_words(tensor)}, the "
            f"output of the bidirectional RNN at {source.at(rnn.where)}: its backward half has read only the "
            f"last token; use `torch.cat([{receiver}{last}, :hidden], {receiver}{first}, hidden:]], dim=-1)` "
            "or both directions of `h_n`",
        )
