"""`h_n[-1]` of a bidirectional RNN taken as the final state."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import IndexEvent
from shapelint.static.examples import module
from shapelint.static.messages import short
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
            f"bidirectional RNN at line {source.line(rnn.where)} (its (layers*dirs, batch, hidden) state ends "
            f"forward, backward); use `torch.cat([{receiver}[-2], {receiver}[-1]], dim=-1)`",
        )
