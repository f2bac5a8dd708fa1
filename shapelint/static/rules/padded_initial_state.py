"""An RNN started from the final state of another that ran unpacked over a padded batch."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import RnnCallEvent
from shapelint.static.examples import HEADER
from shapelint.static.messages import padding_reason, short
from shapelint.static.rules import Report, SourceView, StaticRule


def _seq2seq(encode: str, decode: str = "out, _ = self.decoder(y, hidden)", encoder: str = "") -> str:
    """An encoder-decoder whose source batch is padded (its lengths are passed in)."""
    return HEADER + (
        "class Seq2Seq(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        f"        self.encoder = nn.GRU(8, 16, num_layers=2, batch_first=True{encoder})\n"
        "        self.bridge = nn.Linear(32, 16)\n"
        "        self.decoder = nn.GRU(8, 16, num_layers=2, batch_first=True)\n\n"
        '    def forward(self, x: Float[Tensor, "batch seq emb"], lengths, y: Float[Tensor, "batch seq emb"]):\n'
        f"        {encode}\n"
        "        for step in range(3):\n"
        f"            {decode}\n"
        "            y = self.next_input(out)\n"
        "        return out\n"
    )


class PaddedInitialState(StaticRule[RnnCallEvent]):
    """A decoder starts from the encoder's final state after the padding.

    ## What it does
    Flags an RNN that runs over a padded batch without packing when its final state `h_n`
    starts another RNN, as a seq2seq encoder whose state starts the decoder. The finding is
    on the encoder's call, where the fix goes, and names the call that starts from it.

    ## Why is this bad?
    An RNN run over a padded batch steps on through the pad tokens of every shorter
    sequence, so its `h_n` is the state after reading padding, not after the sequence's
    last token. The decoder of every short source starts from that state. Nothing fails,
    and padding is short when batches are bucketed, so the loss hides it.

    ## Example
    ```python
    _, hidden = self.encoder(src_embedded)        # padded, lengths known, not packed: reported here
    out, hidden = self.decoder(trg_embedded, hidden)
    ```

    ## Use instead
    ```python
    packed = pack_padded_sequence(src_embedded, lengths, batch_first=True, enforce_sorted=False)
    _, hidden = self.encoder(packed)               # each sequence's own final state
    out, hidden = self.decoder(trg_embedded, hidden)
    ```
    """

    code = "SHP305"
    name = "padded-initial-state"
    fix_title = "Pack the encoder's input so that its final state is each sequence's own"
    event = RnnCallEvent
    VALID = (
        _seq2seq("_, hidden = self.encoder(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))"),
        # An RNN that goes on from its own state is not started from another's.
        _seq2seq("hidden = None", "out, hidden = self.decoder(y, hidden)"),
    )
    INVALID = (
        _seq2seq("_, hidden = self.encoder(x)"),
        # In a loop that goes on from its own state, the first step starts from the encoder's.
        _seq2seq("_, hidden = self.encoder(x)", "out, hidden = self.decoder(y, hidden)"),
        # Both directions of each layer joined and brought down to the decoder's size: still after the padding.
        _seq2seq(
            "_, hidden = self.encoder(x)\n        hidden = hidden.view(2, 2, x.size(0), 16).permute(0, 2, 1, 3)\n"
            "        hidden = torch.tanh(self.bridge(hidden.reshape(2, x.size(0), 32)))",
            encoder=", bidirectional=True",
        ),
    )

    def check(self, event: RnnCallEvent, source: SourceView) -> Iterator[Report]:
        for state in event.initial_state:
            padding = state.padding
            if padding is None or padding.state_of is None or padding.packed or padding.at_end is not True:
                continue
            if padding.state_of is event.rnn_where or state.rank != 3 or padding.where is None:
                continue  # an RNN going on from its own state; a state cut down is SHP303's
            # Reported where the fix goes: the RNN whose input is to be packed (once, whatever starts from it).
            encoder = source.seen_from(padding.where)
            given = event.call.args[1].value if len(event.call.args) > 1 else event.call
            reason = padding_reason(padding, source)
            yield Report(
                padding.where,
                f"`{short(encoder.code(padding.where))}` runs unpacked over a padded batch ({reason}), and its final "
                f"state (layers*dirs, batch, hidden) starts `{short(source.code(event.call))}` at "
                f"{encoder.at(event.call)} as `{short(source.code(given), 30)}`: for every shorter sequence that is "
                "the state after reading the padding, not after its last token; pack this RNN's input so that its "
                "final state is each sequence's own: use `pack_padded_sequence(..., lengths, enforce_sorted=False)`",
            )
            return
