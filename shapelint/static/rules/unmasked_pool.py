"""Pooling over a padded time axis without a mask."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static import knowledge as kb
from shapelint.static.events import ReduceEvent
from shapelint.static.examples import module
from shapelint.static.messages import layout_words, padded_by, short
from shapelint.static.rules import Report, SourceView, StaticRule

_PACKED = (
    "packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n"
    "out, _ = self.rnn(packed)\n"
    "padded, _ = pad_packed_sequence(out, batch_first=True{padding})\n"
)
_PARAMS = 'x: Float[Tensor, "batch seq emb"], lengths'
_RNN = "nn.LSTM(8, 16, batch_first=True)"


def _packed(pool: str, padding: str = "") -> str:
    return module(_RNN, _PACKED.format(padding=padding) + f"return {pool}", _PARAMS)


class UnmaskedPool(StaticRule[ReduceEvent]):
    """`mean`/`max` over a padded time axis lets the padding into the result.

    ## What it does
    Flags `mean`, `max`, `min` (and `sum` where padding is not zero) over the time axis
    of a `pad_packed_sequence` result, of an RNN output over a padded batch (its lengths
    in scope, or a data pipeline that pads), or of the embeddings of token batches that
    come padded (a collate function's `pad_sequence`, a torchtext iterator; their `sum`
    is left alone, as a `padding_idx` embedding is zero), when no mask was applied first.

    ## Why is this bad?
    Padded steps are part of the tensor: `pad_packed_sequence` fills them with zeros,
    so a mean divides by the longest length and a max sees zeros that no real step
    produced; an RNN run over an unpacked padded batch even outputs real-looking values
    there. A sample's pooled vector then depends on how long the other samples in its
    batch are.

    ## Example
    ```python
    padded, _ = pad_packed_sequence(out, batch_first=True)
    pooled = padded.mean(dim=1)
    ```

    ## Use instead
    ```python
    mask = torch.arange(padded.size(1))[None, :] < lengths[:, None]
    pooled = (padded * mask.unsqueeze(-1)).sum(1) / lengths[:, None]
    ```
    """

    code = "SHP302"
    name = "unmasked-pool"
    fix_title = "Mask the padded steps before pooling"
    event = ReduceEvent
    VALID = (
        _packed("padded.sum(1) / lengths.unsqueeze(1)"),  # zero padding adds nothing to a sum
        _packed("(padded * mask.unsqueeze(-1)).sum(1) / lengths[:, None]"),
        _packed("padded.max(dim=1).values", padding=", padding_value=float('-inf')"),
        _packed("padded.masked_fill(~mask.unsqueeze(-1), 0.0).mean(1)"),
        # An additive mask: the pads sit at -10000 and never win the max.
        _packed("(padded + (1.0 - mask.unsqueeze(-1).float()) * -10000.0).max(dim=1).values"),
        module(_RNN, "out, _ = self.rnn(x)\nreturn out.mean(1)"),  # no lengths: nothing is padded
        # Pooling windows over the features of each step, not over time.
        module(_RNN, "out, _ = self.rnn(x)\nreturn F.max_pool1d(out, 2)", _PARAMS),
        # Windows of three steps: each pooled step reads its own neighbours, not the whole batch's length.
        module(_RNN, "out = self.rnn(x)[0].permute(0, 2, 1)\nreturn F.max_pool1d(out, 3, 2)", _PARAMS),
    )
    INVALID = (
        _packed("padded.mean(dim=1)"),
        _packed("torch.max(padded, 1).values"),
        # A number added masks nothing.
        _packed("(padded + 1.0).max(dim=1).values"),
        module(_RNN, "out, _ = self.rnn(x)\nreturn out.sum(1) / lengths[:, None]", _PARAMS),
        # A max over the whole time axis as a pooling layer, after moving time last.
        module(_RNN, "out = self.rnn(x)[0].permute(0, 2, 1)\nreturn F.max_pool1d(out, out.size(2))", _PARAMS),
    )

    def check(self, event: ReduceEvent, source: SourceView) -> Iterator[Report]:
        tensor, padding = event.tensor, event.tensor.padding
        if event.op not in kb.REDUCTIONS or padding is None or event.dim != tensor.padded_position():
            return
        if padding.packed and (event.op == "sum" or (padding.padding_value_set and event.op in ("max", "amax"))):
            return  # zeros add nothing; a chosen padding value is the user's mask
        if padding.tokens and event.op == "sum":
            return  # the pad token's embedding is zero where `padding_idx` says which it is
        receiver = short(source.code(event.receiver), 30)
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` pools `{receiver}` {layout_words(tensor)} over time with the "
            f"padding in: {padded_by(padding, source)}, so each sample's result depends on the longest one in its "
            f"batch; mask it first: use {_masked(event, receiver)}",
        )


def _masked(event: ReduceEvent, receiver: str) -> str:
    """The pooling redone on the real steps only (``mask``: true at real steps, (batch, time))."""
    time_last = event.dim == event.tensor.rank - 1
    mask = "mask.unsqueeze(1)" if time_last else "mask.unsqueeze(-1)"
    if event.op in ("max", "amax", "min", "amin"):
        fill = "float('-inf')" if "max" in event.op else "float('inf')"
        return f"`{receiver}.masked_fill(~{mask}, {fill}).{event.op.lstrip('a')}({event.dim}).values`"
    return f"`({receiver} * {mask}).sum({event.dim}) / lengths[:, None]`"
