"""Flattening `h_n`/`c_n` per sample without moving the batch axis to the front."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import ReshapeEvent
from shapelint.static.examples import module
from shapelint.static.layout import WILDCARD, Aligned, Misaligned, Role
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_TWO_LAYERS = "nn.LSTM(8, 16, num_layers=2, batch_first=True)"


class HnView(StaticRule[ReshapeEvent]):
    """`h_n.view(batch, -1)` on a multi-layer or bidirectional RNN's final state.

    ## What it does
    Flags `view(batch, -1)`, `reshape(batch, -1)`, `view(-1, layers * dirs * hidden)` and
    `flatten(1)` of an RNN's `h_n` or `c_n` when the RNN has more than one layer or direction.

    ## Why is this bad?
    `h_n` is `(layers * directions, batch, hidden)` whatever `batch_first` says. Cutting
    it into `batch` rows puts the states of several samples into one row, so a Linear on
    top mixes samples. With one layer and one direction the first axis has size 1 and
    the view happens to be right, which is why this survives in tutorials.

    ## Example
    ```python
    out, (h_n, c_n) = self.lstm(x)        # num_layers=2
    logits = self.fc(h_n.view(batch_size, -1))
    ```

    ## Use instead
    ```python
    logits = self.fc(h_n.transpose(0, 1).reshape(batch_size, -1))
    ```
    or pick one layer: `h_n[-1]`.
    """

    code = "SHP201"
    name = "hn-view"
    fix_title = "Move the batch axis of `h_n` to the front first, or pick a layer"
    event = ReshapeEvent
    VALID = (
        module(_TWO_LAYERS, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n.transpose(0, 1).reshape(batch_size, -1)"),
        module("nn.LSTM(8, 16, batch_first=True)", "out, (h_n, c_n) = self.rnn(x)\nreturn h_n.view(batch_size, -1)"),
        module(_TWO_LAYERS, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n.view(2, 1, batch_size, 16)[-1]"),
        # Rows of one layer's state: `h_n` cut into its layers, each (batch, hidden).
        module(_TWO_LAYERS, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n.view(-1, 16)"),
        module(_TWO_LAYERS, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n.transpose(0, 1).reshape(-1, 2 * 16)"),
        # The number of layers is not known: nothing to say.
        module(
            "nn.GRU(8, 16, num_layers=depth, batch_first=True)",
            "out, h_n = self.rnn(x)\nreturn h_n.view(batch_size, -1)",
        ),
    )
    INVALID = (
        module(_TWO_LAYERS, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n.view(batch_size, -1)"),
        module(
            "nn.GRU(8, 16, bidirectional=True, batch_first=True)",
            "out, h_n = self.rnn(x)\nreturn h_n.reshape(h_n.size(1), -1)",
        ),
        module(_TWO_LAYERS, "out, (h_n, c_n) = self.rnn(x)\nreturn c_n.flatten(1)"),
        # Rows of every layer's state, cut from memory that holds layer by layer the whole batch.
        module(_TWO_LAYERS, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n.view(-1, 2 * 16)"),
        module(
            "nn.GRU(8, 16, bidirectional=True, batch_first=True)",
            "out, h_n = self.rnn(x)\nreturn h_n.view(-1, 16 * 2, 1)",
        ),
    )

    def check(self, event: ReshapeEvent, source: SourceView) -> Iterator[Report]:
        tensor = event.tensor
        if tensor.rnn is None or not tensor.rnn.state or not cuts_across_layers(event):
            return
        receiver = short(source.code(event.receiver), 30)
        layers, batch = tensor.role_position(Role.LAYERS), tensor.role_position(Role.BATCH)
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` flattens the final state `{receiver}` {layout_words(tensor)} of the "
            f"RNN at {source.at(tensor.rnn.where)} per sample, but its first axis is layers*directions, not "
            f"batch (whatever `batch_first` says): rows mix samples; use `{receiver}.transpose({layers}, {batch})"
            f".reshape(...)`, or pick a layer (`{receiver}[-1]`)",
        )


def cuts_across_layers(event: ReshapeEvent) -> bool:
    """The reshape asks for batch where layers*dirs is, or glues batch to the features behind it, or
    cuts rows of layers*dirs*hidden numbers, which in memory are the states of several samples."""
    if _rows_of_every_layer(event):
        return True
    alignment = event.alignment
    if isinstance(alignment, Misaligned):
        return alignment.wanted.role is Role.BATCH and alignment.found.role is Role.LAYERS
    if isinstance(alignment, Aligned):
        for group in alignment.groups:
            roles = [alignment.atoms[i][1].role for i in group or ()]
            if Role.BATCH in roles and Role.LAYERS not in roles and len(roles) > 1:
                return True
    return False


def _rows_of_every_layer(event: ReshapeEvent) -> bool:
    """`h_n.view(-1, layers * dirs * hidden)` (a trailing 1 aside), the sizes known numbers: meant as
    every layer's state of one sample per row, while `h_n` holds layer by layer the whole batch."""
    rnn = event.tensor.rnn
    if rnn is None or rnn.width is None or rnn.layers is None or rnn.bidirectional is None:
        return False
    rows = rnn.layers * (2 if rnn.bidirectional else 1)
    if rows < 2 or event.tensor.role_position(Role.LAYERS) != 0 or len(event.counts) < 2:
        return False
    _, width, *rest = event.counts
    return event.entries[0] == WILDCARD and width == rows * rnn.width and all(count == 1 for count in rest)
