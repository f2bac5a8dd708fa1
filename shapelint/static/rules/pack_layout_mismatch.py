"""`pack_padded_sequence` told the wrong `batch_first`."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import PackEvent
from shapelint.static.knowledge import BATCH_FIRST_POSITION, PACK_PADDED
from shapelint.static.messages import layout_words, origin_words, short
from shapelint.static.rewrites import with_keyword
from shapelint.static.rules import Report, SourceView, StaticRule

_HEADER = (
    "import torch\nfrom torch import Tensor, nn\nfrom torch.nn.utils.rnn import pack_padded_sequence\n"
    "from jaxtyping import Float\n\n"
    'def encode(lstm: nn.LSTM, x: Float[Tensor, "{layout}"], lengths):\n'
)


def _encode(body: str, layout: str = "batch seq emb") -> str:
    return _HEADER.format(layout=layout) + body


class PackLayoutMismatch(StaticRule[PackEvent]):
    """`pack_padded_sequence` is told a `batch_first` that contradicts the tensor's layout.

    ## What it does
    Flags `pack_padded_sequence(x, lengths, batch_first=F)` where `x` is known to be
    batch-first and `F` is false (the default), or time-major and `F` is true.

    ## Why is this bad?
    Packing reads axis 0 as time when `batch_first=False`. On a batch-first tensor with
    batch != seq it raises "Expected `len(lengths)` to be equal to batch_size" (where
    that "batch_size" is really the sequence length); with batch == seq it silently
    packs all steps of sample 0 as the first time step, and the RNN learns from noise.

    ## Example
    ```python
    embeds = self.embedding(tokens)                 # (batch, seq, emb)
    packed = pack_padded_sequence(embeds, lengths)  # batch_first=False by default
    ```

    ## Use instead
    ```python
    packed = pack_padded_sequence(embeds, lengths, batch_first=True)
    ```
    and build the RNN with `batch_first=True` as well.
    """

    code = "SHP301"
    name = "pack-layout-mismatch"
    fix_title = "Pass the `batch_first` that matches the tensor"
    event = PackEvent
    VALID = (
        _encode("    return pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n"),
        _encode("    return pack_padded_sequence(x, lengths)\n", layout="seq batch emb"),
        _encode("    return pack_padded_sequence(x.transpose(0, 1), lengths, batch_first=False)\n"),
        # Layout unknown: nothing to say.
        _encode("    return pack_padded_sequence(x, lengths)\n", layout="a b c"),
    )
    INVALID = (
        _encode("    return pack_padded_sequence(x, lengths, batch_first=False)\n"),
        _encode("    return pack_padded_sequence(x, lengths)\n"),
        _encode("    return nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True)\n", layout="seq batch emb"),
    )

    def check(self, event: PackEvent, source: SourceView) -> Iterator[Report]:
        tensor = event.tensor
        if event.batch_first:
            wrong, told, fix = tensor.is_time_major(), "batch-first", "`batch_first=False` (or omit it)"
        else:
            wrong, told, fix = tensor.is_batch_first(), "time-major", "`batch_first=True`"
        if not wrong:
            return
        receiver = short(source.code(event.receiver), 30)
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` reads `{receiver}` {layout_words(tensor)} as {told}: "
            f"`{receiver}` is the {origin_words(tensor, source)}; packing then fails on the lengths, or, when batch "
            f"== seq, silently packs the wrong steps together; pass {fix}",
            with_keyword(event.call, "batch_first", str(not event.batch_first), BATCH_FIRST_POSITION[PACK_PADDED]),
        )
