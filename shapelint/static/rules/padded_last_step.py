"""The last time step of a padded batch taken as each sequence's end."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import IndexEvent
from shapelint.static.examples import module
from shapelint.static.layout import Role
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_RNN = "nn.LSTM(8, 16, batch_first=True)"
_PARAMS = 'x: Float[Tensor, "batch seq emb"], lengths'


class PaddedLastStep(StaticRule[IndexEvent]):
    """`out[:, -1]` of an RNN over a padded batch is the output after reading padding.

    ## What it does
    Flags the last time step (`out[:, -1]` batch-first, `out[-1]` time-major) of an RNN
    output over a padded, unpacked batch whose lengths are in scope, or of a
    `pad_packed_sequence` result.

    ## Why is this bad?
    For every sequence shorter than the longest, the last step is padding: an unpacked
    RNN has run on through the pad tokens, and `pad_packed_sequence` puts zeros there.
    The "summary" of short sequences is then noise or zero.

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
    or gather at `lengths - 1`: `out[torch.arange(out.size(0)), lengths - 1]`.
    """

    code = "SHP303"
    name = "padded-last-step"
    fix_title = "Pack the batch and use `h_n`, or gather at `lengths - 1`"
    event = IndexEvent
    VALID = (
        module(_RNN, "out, _ = self.rnn(x)\nreturn out[:, -1]"),  # no lengths: not padded
        module(_RNN, "out, _ = self.rnn(x)\nreturn out[torch.arange(out.size(0)), lengths - 1]", _PARAMS),
        module(
            _RNN,
            "packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n"
            "out, (h_n, c_n) = self.rnn(packed)\nreturn h_n[-1]",
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
    )

    def check(self, event: IndexEvent, source: SourceView) -> Iterator[Report]:
        tensor, padding = event.tensor, event.tensor.padding
        time = tensor.role_position(Role.TIME)
        if padding is None or time is None or event.per_axis[time] != -1:
            return
        receiver = short(source.code(event.node.value), 30)
        why = (
            "`pad_packed_sequence` put zeros there"
            if padding.packed
            else "the RNN ran on through the padding (lengths are in scope)"
        )
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` takes the last step of padded `{receiver}` {layout_words(tensor)} "
            f"(line {source.line(padding.where)}): for every shorter sequence that step is padding, {why}; use "
            "`h_n[-1]` of a packed run, or `out[torch.arange(out.size(0)), lengths - 1]`",
        )
