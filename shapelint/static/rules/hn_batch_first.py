"""Indexing `h_n` as if it were batch-first."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import IndexEvent
from shapelint.static.examples import module
from shapelint.static.layout import Role
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_BATCH_FIRST = "nn.LSTM(8, 16, batch_first=True)"


class HnBatchFirst(StaticRule[IndexEvent]):
    """`h_n[:, -1]` picks a sample, not a layer or a time step.

    ## What it does
    Flags indexing that picks one position of the batch axis of an RNN's `h_n`/`c_n`,
    such as `h_n[:, -1]` or `h_n[:, -1, :]`, typically written for an RNN built with
    `batch_first=True`.

    ## Why is this bad?
    `batch_first=True` changes the layout of the input and output only. `h_n` stays
    `(layers * directions, batch, hidden)`, so `h_n[:, -1]` is the final state of the
    last sample of the batch, for every layer: the batch axis is gone, and the next
    layer sees layers as if they were samples.

    ## Example
    ```python
    out, (h_n, c_n) = self.lstm(x)   # batch_first=True
    last = h_n[:, -1]
    ```

    ## Use instead
    ```python
    last = h_n[-1]                   # last layer, every sample
    ```
    """

    code = "SHP202"
    name = "hn-batch-first"
    fix_title = "Index the layer axis of `h_n`: `h_n[-1]`"
    event = IndexEvent
    VALID = (
        module(_BATCH_FIRST, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n[-1]"),
        module(_BATCH_FIRST, "out, (h_n, c_n) = self.rnn(x)\nreturn out[:, -1]"),
        module(_BATCH_FIRST, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n[-1, :, :8]"),
    )
    INVALID = (
        module(_BATCH_FIRST, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n[:, -1]"),
        module(_BATCH_FIRST, "out, (h_n, c_n) = self.rnn(x)\nreturn c_n[:, -1, :]"),
        module("nn.GRU(8, 16, batch_first=True)", "out, h_n = self.rnn(x)\nreturn h_n[:, 0]"),
    )

    def check(self, event: IndexEvent, source: SourceView) -> Iterator[Report]:
        tensor = event.tensor
        batch = tensor.role_position(Role.BATCH)
        if tensor.rnn is None or not tensor.rnn.state or batch is None or not isinstance(event.per_axis[batch], int):
            return
        receiver = short(source.code(event.node.value), 30)
        since = " even with `batch_first=True`" if tensor.rnn.batch_first else ""
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` picks one sample of `{receiver}` {layout_words(tensor)}: the final "
            f"state of the RNN at {source.at(tensor.rnn.where)} is (layers*dirs, batch, hidden){since}; "
            f"use `{receiver}[-1]` for the last layer of every sample",
        )
