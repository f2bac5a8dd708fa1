"""Multi-head attention over a padded batch with no key padding mask."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import AttentionEvent, MaskInScope
from shapelint.static.examples import module
from shapelint.static.messages import layout_words, padded_by, short
from shapelint.static.rules import Report, SourceView, StaticRule

_PARAMS = 'x: Float[Tensor, "batch seq emb"], lengths'
_RNN = "nn.LSTM(8, 16, batch_first=True)"
_ATTENTION = "self.att = nn.MultiheadAttention(16, 2, batch_first=True)"
_DEFAULT_ATTENTION = "self.att = nn.MultiheadAttention(16, 2)"
_PACKED = (
    "packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n"
    "out, _ = self.rnn(packed)\n"
    "out, _ = pad_packed_sequence(out, batch_first=True)\n"
)


def _attend(call: str, params: str = _PARAMS, before: str = "", attention: str = _ATTENTION) -> str:
    """A model whose LSTM output attends to itself through ``call``."""
    body = f"out, _ = self.rnn(x)\n{before}ctx, _ = {call}\nreturn ctx"
    return module(_RNN, body, params, extra_init=attention)


class AttentionOverPadding(StaticRule[AttentionEvent]):
    """`nn.MultiheadAttention` over a padded batch with no key padding mask: queries attend to padding.

    ## What it does
    Flags a call of `nn.MultiheadAttention` (or `F.multi_head_attention_forward`) whose
    keys hold padded steps (a `pad_packed_sequence` result, the output of an RNN run over a
    padded batch whose lengths are in scope or that the project's data pipeline pads, or a
    self-attention in a function that holds the batch's lengths or padding mask) when it is
    given no `key_padding_mask`, no `attn_mask` and no `is_causal`.

    ## Why is this bad?
    Without a key padding mask every query gives part of its attention to the padded steps
    of its sample: zeros after `pad_packed_sequence`, real-looking outputs of an RNN that
    read the padding. How much depends on how much shorter the sample is than the longest
    one in its batch, so the same sentence gets another representation in another batch,
    and training and inference (often one sentence at a time) disagree.

    ## Example
    ```python
    out, _ = self.lstm(x)                           # x padded to the longest sentence
    ctx, _ = self.attention(out, out, out)
    ```

    ## Use instead
    ```python
    pad = torch.arange(out.size(1), device=out.device)[None, :] >= lengths[:, None]
    ctx, _ = self.attention(out, out, out, key_padding_mask=pad)   # True at padded steps
    ```
    """

    code = "SHP306"
    name = "attention-over-padding"
    fix_title = "Pass the padding as `key_padding_mask`"
    event = AttentionEvent
    VALID = (
        _attend("self.att(out, out, out, key_padding_mask=pad)", before="pad = make_mask(lengths)\n"),
        # The fourth positional argument is the key padding mask.
        _attend("self.att(out, out, out, pad)", before="pad = make_mask(lengths)\n"),
        _attend("self.att(out, out, out, attn_mask=blocked)", before="blocked = make_mask(lengths)\n"),
        # A causal self-attention over a batch that nothing pads.
        _attend("self.att(out, out, out, attn_mask=causal, is_causal=True)", 'x: Float[Tensor, "batch seq emb"]'),
        # No lengths, no pipeline that pads: every step is real.
        _attend("self.att(out, out, out)", "x"),
        # Packed, unpacked, and the padding masked.
        module(
            _RNN,
            _PACKED + "mask = torch.arange(out.size(1))[None, :] >= lengths[:, None]\n"
            "ctx, _ = self.att(out, out, out, key_padding_mask=mask)\nreturn ctx",
            _PARAMS,
            extra_init=_ATTENTION,
        ),
        # A query from elsewhere over memory that nothing says is padded.
        module(_RNN, "ctx, _ = self.att(x, memory, memory)\nreturn ctx", "x, memory, mask", extra_init=_ATTENTION),
    )
    INVALID = (
        _attend("self.att(out, out, out)"),
        _attend("self.att(query=out, key=out, value=out, need_weights=False)"),
        # A time-major attention given the output turned time-major first: still padded.
        _attend("self.att(h, h, h)", before="h = out.transpose(0, 1)\n", attention=_DEFAULT_ATTENTION),
        module(_RNN, _PACKED + "ctx, _ = self.att(out, out, out)\nreturn ctx", _PARAMS, extra_init=_ATTENTION),
        # A self-attention in a function given the batch's padding mask, over inputs of unknown layout.
        module(
            _RNN,
            "mask = tokens != 0\nh = x.permute(1, 0, 2)\nctx, _ = self.att(h, h, h)\nreturn ctx",
            "x, tokens",
            extra_init=_DEFAULT_ATTENTION,
        ),
    )

    def check(self, event: AttentionEvent, source: SourceView) -> Iterator[Report]:
        padding = event.padding
        if event.masked or padding is None:
            return
        key = short(source.code(event.key_node), 30)
        if event.key is not None and event.key.padding is padding:
            layout = layout_words(event.key)
            why = padded_by(padding, source)
        else:
            layout = _read_as(event.batch_first)
            why = _in_scope(event.masks, padding.lengths_name, source)
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` lets every query attend to the padded steps of `{key}` {layout}: "
            f"{why}, and no `key_padding_mask` or `attn_mask` is passed, so each sample's output depends on the "
            f"padding its batch adds; {_fix(event, key)}",
        )


def _read_as(batch_first: bool | None) -> str:
    if batch_first is None:
        return "(batch, time, feat) or (time, batch, feat), as `batch_first` says"
    return (
        "(batch, time, feat) as the attention reads it"
        if batch_first
        else "(time, batch, feat) as the attention reads it"
    )


def _in_scope(masks: tuple[MaskInScope, ...], name: str | None, source: SourceView) -> str:
    """Why a self-attention's batch is padded: ``the batch is padded (`mask` is in scope, line 20)``."""
    found = next((mask for mask in masks if mask.name == name), None)
    at = f", {source.at(found.where)}" if found is not None and found.where is not None else ""
    return f"the batch is padded (`{name}` is in scope{at})"


def _fix(event: AttentionEvent, key: str) -> str:
    """The mask to pass, as code where its polarity is known, else in words."""
    lengths = next((mask for mask in event.masks if mask.is_lengths), None)
    known = next((mask for mask in event.masks if mask.true_at is not None), None)
    if known is not None:
        name = known.name
        if known.true_at == "real":
            given = f"~{name}" if known.boolean else f"{name} == 0"
        else:
            given = name if known.boolean else f"{name}.bool()"
        return f"pass `key_padding_mask={given}` (True at the padded steps, (batch, time))"
    if lengths is not None and event.batch_first is not None and "…" not in key:
        time = 1 if event.batch_first else 0
        steps = f"torch.arange({key}.size({time}), device={key}.device)[None, :]"
        pad = f"{steps} >= {lengths.name}.to({key}.device)[:, None]"
        return f"pass `key_padding_mask={pad}` (True at the padded steps)"
    made = f", made from `{event.masks[0].name}`" if event.masks else ""
    return f"pass `key_padding_mask=` a (batch, time) bool tensor that is True at the padded steps{made}"
