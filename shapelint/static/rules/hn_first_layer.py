"""`h_n[0]` and `h_n[1]` of a multi-layer bidirectional state, read as the last layer's two directions."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from shapelint.static.events import IndexEvent
from shapelint.static.examples import module
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_TWO_LAYERS_BIDIR = "nn.LSTM(8, 16, num_layers=2, bidirectional=True, batch_first=True)"


class HnFirstLayer(StaticRule[IndexEvent]):
    """`torch.cat([h_n[0], h_n[1]])` of a multi-layer bidirectional RNN is its bottom layer.

    ## What it does
    Flags `h_n[0]` picked beside `h_n[1]` from the final state of a bidirectional RNN with
    more than one layer: the pair that a one-layer model concatenates as "forward and
    backward".

    ## Why is this bad?
    torch orders the rows of the final state layer by layer: row `layer * 2 + direction`. Rows
    0 and 1 are the two directions of the bottom layer; the top layer, whose outputs the rest of
    the model reads, is rows -2 and -1. Nothing fails: the shapes fit, but the summary skips
    every layer above the first, whose weights then get no gradient from it. This is how a
    classifier written for one layer goes wrong when `num_layers` is raised.

    ## Example
    ```python
    self.lstm = nn.LSTM(emb, hidden, num_layers=2, bidirectional=True)
    ...
    summary = torch.cat((h_n[0], h_n[1]), dim=1)
    ```

    ## Use instead
    ```python
    summary = torch.cat((h_n[-2], h_n[-1]), dim=1)   # the top layer's forward and backward states
    ```
    """

    code = "SHP208"
    name = "hn-first-layer"
    fix_title = "Pick the top layer's rows: `h_n[-2]` and `h_n[-1]`"
    event = IndexEvent
    VALID = (
        module(_TWO_LAYERS_BIDIR, "_, (h_n, c_n) = self.rnn(x)\nreturn torch.cat((h_n[-2], h_n[-1]), dim=1)"),
        # One layer: rows 0 and 1 are its two directions.
        module(
            "nn.LSTM(8, 16, bidirectional=True, batch_first=True)",
            "_, (h_n, c_n) = self.rnn(x)\nreturn torch.cat((h_n[0], h_n[1]), dim=1)",
        ),
        # Every row, layer by layer: nothing is left out.
        module(
            _TWO_LAYERS_BIDIR,
            "_, (h_n, c_n) = self.rnn(x)\nreturn torch.cat((h_n[0], h_n[1], h_n[2], h_n[3]), dim=1)",
        ),
    )
    INVALID = (
        module(_TWO_LAYERS_BIDIR, "_, (h_n, c_n) = self.rnn(x)\nreturn torch.cat((h_n[0], h_n[1]), dim=1)"),
        module(
            "nn.GRU(8, 16, num_layers=3, bidirectional=True, batch_first=True)",
            "_, h_n = self.rnn(x)\nforward, backward = h_n[0], h_n[1]\nreturn forward + backward",
        ),
    )

    def check(self, event: IndexEvent, source: SourceView) -> Iterator[Report]:
        rnn = event.tensor.rnn
        if rnn is None or not rnn.state or not rnn.bidirectional or rnn.layers is None or rnn.layers < 2:
            return
        if event.per_axis[0] != 0 or event.first_axis_picks != frozenset({0, 1}):
            return
        receiver = short(source.code(event.node.value), 30)
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` and `{receiver}[1]` are the forward and backward states of the "
            f"bottom layer of the {rnn.layers}-layer bidirectional RNN at {source.at(rnn.where)}, not of its top "
            f"layer: its state {layout_words(event.tensor)} goes layer by layer (layer 0 forward, layer 0 "
            f"backward, layer 1 forward, ...); use `{receiver}[-2]` and `{receiver}[-1]`",
            _top_layer(event.node),
        )


def _top_layer(node: cst.Subscript) -> cst.Subscript:
    """`h_n[0]` -> `h_n[-2]`, the same row of the top layer (the other axes' indices kept)."""
    first = node.slice[0]
    row = cst.UnaryOperation(cst.Minus(), cst.Integer("2"))
    return node.with_changes(slice=[first.with_changes(slice=cst.Index(row)), *node.slice[1:]])
