"""Indexing the batch axis of an RNN's output as if it were the time axis."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import IndexEvent
from shapelint.static.examples import module
from shapelint.static.layout import Role
from shapelint.static.messages import layout_words, origin_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_PARAMS = 'x: Float[Tensor, "batch seq emb"], lengths'
_PACK = "packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\nout, _ = self.rnn(packed)\n"


class IndexBatchAxis(StaticRule[IndexEvent]):
    """`out[:, -1]` on a time-major RNN output picks a sample, not a time step.

    ## What it does
    Flags `[:, -1]`-style indexing that picks the last position of the batch axis of an
    RNN's output (or of a `pad_packed_sequence` result) while keeping its time axis, as
    `out[:, -1]` does on a time-major output: typical after packing with `batch_first=True`
    and unpacking with the default `batch_first=False`, or with an RNN built without
    `batch_first`. Another position (`out[:, 0]`) is left alone: code that looks at one
    sample picks it that way on purpose.

    ## Why is this bad?
    In a `(time, batch, hidden)` tensor, `out[:, -1]` is every time step of the last
    sample of the batch, not the last step of every sample. The next layer then treats
    time steps as samples; with batch == seq nothing even looks wrong.

    ## Example
    ```python
    packed = pack_padded_sequence(x, lengths, batch_first=True)
    out, _ = self.lstm(packed)
    out, _ = pad_packed_sequence(out)        # time-major by default
    last = out[:, -1]
    ```

    ## Use instead
    ```python
    out, _ = pad_packed_sequence(out, batch_first=True)
    ```
    or index time first: `out[-1]` (and mind the padding: `h_n[-1]` is the last valid step).
    """

    code = "SHP107"
    name = "index-batch-axis"
    fix_title = "Index the time axis, or unpack with the layout you index"
    event = IndexEvent
    VALID = (
        module(
            "nn.LSTM(8, 16, batch_first=True)",
            _PACK + "padded, _ = pad_packed_sequence(out, batch_first=True)\nreturn padded.sum(1)",
            _PARAMS,
        ),
        module("nn.LSTM(8, 16)", "out, _ = self.rnn(x)\nreturn out[-1]", 'x: Float[Tensor, "seq batch emb"]'),
        # An input of unknown layout may be a batch of one (the tutorial): picking it is harmless.
        module("nn.LSTM(8, 16)", "out, _ = self.rnn(x)\nreturn out[:, 0]", "x"),
        # The first sample of a time-major output, picked on purpose (a test looking at one sample).
        module("nn.GRU(8, 16)", "out, _ = self.rnn(x)\nreturn out[:, 0]", 'x: Float[Tensor, "seq batch emb"]'),
    )
    INVALID = (
        module(
            "nn.LSTM(8, 16, batch_first=True)",
            _PACK + "padded, _ = pad_packed_sequence(out)\nreturn padded[:, -1]",
            _PARAMS,
        ),
        module("nn.GRU(8, 16)", "out, _ = self.rnn(x)\nreturn out[:, -1, :]", 'x: Float[Tensor, "seq batch emb"]'),
    )

    def check(self, event: IndexEvent, source: SourceView) -> Iterator[Report]:
        tensor = event.tensor
        if tensor.rnn is None or tensor.rnn.state:
            return
        batch, time = tensor.role_position(Role.BATCH), tensor.role_position(Role.TIME)
        if batch is None or time is None or tensor.axes[batch].assumed:
            return
        if event.per_axis[batch] != -1 or event.per_axis[time] != ":":
            return  # `[:, -1]` means the last step; another position may well pick a sample on purpose
        receiver = short(source.code(event.node.value), 30)
        step = "[-1]" if time == 0 else "[:, -1]"
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` picks one sample of `{receiver}` {layout_words(tensor)}, the "
            f"{origin_words(tensor, source)}, and keeps all its time steps; for the last step of every sample "
            f"use `{receiver}{step}` (or unpack with the layout you index)",
        )
