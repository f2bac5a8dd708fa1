"""The last time step of a padded batch taken as each sequence's end."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import IndexEvent, RowPick, SqueezeEvent, picks_one_row
from shapelint.static.examples import module
from shapelint.static.layout import Padding, Role, Tensor
from shapelint.static.messages import layout_words, padding_reason, short
from shapelint.static.rules import Report, SourceView, StaticRule

_RNN = "nn.LSTM(8, 16, batch_first=True)"
_PARAMS = 'x: Float[Tensor, "batch seq emb"], lengths'


class PaddedLastStep(StaticRule[RowPick]):
    """`out[:, -1]` of an RNN over a padded batch is the output after reading padding.

    ## What it does
    Flags the last time step (`out[:, -1]` batch-first, `out[-1]` time-major) of an RNN
    output over a padded, unpacked batch, or of a `pad_packed_sequence` result, and a row
    of the final state `h_n` of such an unpacked run (`h_n[-1]`, or `h_n.squeeze(0)` of a
    one-layer state). A batch is padded when its lengths
    are in scope, or when the project's data pipeline pads its batches at the end (a
    collate function with `pad_sequence`, torchtext's `Field`, a loader that appends pad
    tokens up to a fixed length); the message says which.

    ## Why is this bad?
    For every sequence shorter than the longest, the last step is padding: an unpacked
    RNN has run on through the pad tokens, and `pad_packed_sequence` puts zeros there.
    `h_n` of an unpacked run is the state after the padding, too. The "summary" of short
    sequences is then noise or zero.

    ## Example
    ```python
    out, _ = self.lstm(embeds)          # embeds padded, lengths known
    summary = out[:, -1]
    ```

    ## Use instead
    ```python
    packed = pack_padded_sequence(embeds, lengths, batch_first=True, enforce_sorted=False)
    _, (h_n, _) = self.lstm(packed)
    summary = h_n[-1]
    ```
    or gather at `lengths - 1`: `out[torch.arange(out.size(0)), lengths - 1]` (for a
    unidirectional RNN only: at `lengths - 1` the backward half of a bidirectional output
    has read one token).

    ## Known problems
    Padding at the front (keras' default `padding="pre"`) leaves the last step real: only
    padding the pipeline is known to append counts.
    """

    code = "SHP303"
    name = "padded-last-step"
    fix_title = "Pack the batch and use `h_n`, or gather at `lengths - 1`"
    event = (IndexEvent, SqueezeEvent)
    VALID = (
        module(_RNN, "out, _ = self.rnn(x)\nreturn out[:, -1]"),  # no lengths: not padded
        module(_RNN, "out, _ = self.rnn(x)\nreturn out[torch.arange(out.size(0)), lengths - 1]", _PARAMS),
        module(
            _RNN,
            "packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n"
            "out, (h_n, c_n) = self.rnn(packed)\nreturn h_n[-1]",
            _PARAMS,
        ),
        module(
            _RNN,
            "packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n"
            "out, (h_n, c_n) = self.rnn(packed)\nreturn h_n[-1:]",
            _PARAMS,
        ),
        module(
            _RNN,
            "packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n"
            "out, (h_n, c_n) = self.rnn(packed)\nreturn self.fc(h_n.squeeze(0))",
            _PARAMS,
        ),
    )
    INVALID = (
        module(_RNN, "out, _ = self.rnn(x)\nreturn out[:, -1]", _PARAMS),
        module(
            "nn.GRU(8, 16)",
            "out, _ = self.rnn(x)\nreturn self.fc(out[-1])",
            'x: Float[Tensor, "seq batch emb"], lengths',
        ),
        module(
            _RNN,
            "packed = pack_padded_sequence(x, lengths, batch_first=True)\n"
            "out, _ = self.rnn(packed)\npadded, _ = pad_packed_sequence(out, batch_first=True)\nreturn padded[:, -1]",
            _PARAMS,
        ),
        # The final state of an unpacked run over a padded batch is the state after the padding.
        module(_RNN, "out, (h_n, c_n) = self.rnn(x)\nreturn h_n[-1]", _PARAMS),
        # One row kept as an axis of size 1 is that row all the same.
        module(_RNN, "out, (h_n, c_n) = self.rnn(x)\nreturn self.fc(h_n[0:1])", _PARAMS),
        # The one row of a one-layer state, squeezed out: the state after the padding all the same.
        module(_RNN, "out, (h_n, c_n) = self.rnn(x)\nreturn self.fc(h_n.squeeze(0))", _PARAMS),
    )

    def check(self, event: RowPick, source: SourceView) -> Iterator[Report]:
        tensor, padding = event.tensor, event.tensor.padding
        if padding is None or padding.at_end is not True:
            return
        code = short(source.code(event.node))
        if tensor.rnn is not None and tensor.rnn.state:
            if padding.packed or not _one_row(event):
                return
            if event.starts_another_rnn:
                return  # the state goes on to start a decoder: SHP305 reports it at the RNN that read the padding
            kept = (
                "(layers, batch, hidden) cut to one row"
                if isinstance(event, IndexEvent) and not isinstance(event.per_axis[0], int)
                else "(batch, hidden)"
            )
            yield Report(
                event.node,
                f"`{code}` is the state {kept} that the RNN at {source.at(tensor.rnn.where)} "
                f"reached after reading the padding of every shorter sequence: it ran unpacked over a padded batch "
                f"({padding_reason(padding, source)}); use {_fix(tensor)}",
            )
            return
        if isinstance(event, SqueezeEvent):
            return
        time = tensor.role_position(Role.TIME)
        if time is None or event.per_axis[time] != -1:
            return
        receiver = short(source.code(event.node.value), 30)
        yield Report(
            event.node,
            f"`{code}` takes the last step of padded `{receiver}` {layout_words(tensor)} "
            f"({source.at(padding.where)}): for every shorter sequence that step is padding, {_why(padding, source)}; "
            f"use {_fix(tensor)}",
        )


def _one_row(event: RowPick) -> bool:
    if isinstance(event, SqueezeEvent):
        return True
    return picks_one_row(event.per_axis[0], event.slices[0] if event.slices else None)


def _why(padding: Padding, source: SourceView) -> str:
    if padding.packed:
        return "`pad_packed_sequence` put zeros there"
    if padding.tokens:
        return f"the embedding of a pad token ({padding_reason(padding, source)})"
    return f"the RNN ran on through the padding ({padding_reason(padding, source)})"


def _fix(tensor: Tensor) -> str:
    if tensor.rnn is not None and tensor.rnn.bidirectional:
        return "both directions of `h_n` of a packed run: `torch.cat([h_n[-2], h_n[-1]], dim=-1)`"
    return "`h_n[-1]` of a packed run, or `out[torch.arange(out.size(0)), lengths - 1]`"
