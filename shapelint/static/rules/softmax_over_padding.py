"""Attention weights spread over the padded steps of a batch."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static import knowledge as kb
from shapelint.static.events import ReduceEvent
from shapelint.static.examples import module
from shapelint.static.messages import layout_words, padded_by, short
from shapelint.static.rules import Report, SourceView, StaticRule

_PARAMS = 'x: Float[Tensor, "batch seq emb"], lengths'
_RNN = "nn.LSTM(8, 16, batch_first=True)"
_SCORES = "out, _ = self.rnn(x)\nscores = self.score(out).squeeze(-1)\n"


# Scores written one by one into a buffer of the output's sizes, as older tutorials do.
_FILLED = (
    "out, _ = self.rnn(x)\nscores = torch.zeros(out.size(0), out.size(1))\n"
    "for b in range(out.size(0)):\n    for t in range(out.size(1)):\n"
    "        scores[b, t] = self.score(out[b, t])\n"
)


def _attention(weights: str, extra: str = "") -> str:
    """A model whose RNN runs over a padded batch (its lengths in scope) and scores each step."""
    body = _SCORES + extra + f"weights = {weights}\nreturn (out * weights.unsqueeze(-1)).sum(1)"
    return module(_RNN, body, _PARAMS, extra_init="self.score = nn.Linear(16, 1)")


class SoftmaxOverPadding(StaticRule[ReduceEvent]):
    """A softmax over the time axis of a padded batch, with no mask: attention reads padding.

    ## What it does
    Flags `softmax` (and `log_softmax`, as a function, a method or an `nn.Softmax`
    module) over the time axis of scores computed from padded steps: a
    `pad_packed_sequence` result, an RNN output over a padded batch whose lengths are
    in scope, or over batches that the project's data pipeline pads, when nothing was
    masked first.

    ## Why is this bad?
    A softmax gives every step a positive weight, padding included. The padded steps
    take part of each sample's attention, and how much depends on how much shorter the
    sample is than the longest one in its batch: the same sentence gets another
    summary in another batch.

    ## Example
    ```python
    scores = self.score(out).squeeze(-1)          # (batch, time)
    weights = torch.softmax(scores, dim=1)
    ```

    ## Use instead
    ```python
    mask = torch.arange(scores.size(1))[None, :] < lengths[:, None]
    weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=1)
    ```
    """

    code = "SHP304"
    name = "softmax-over-padding"
    fix_title = "Mask the padded steps before the softmax"
    event = ReduceEvent
    VALID = (
        _attention("torch.softmax(scores.masked_fill(~mask, float('-inf')), dim=1)", "mask = make_mask(lengths)\n"),
        _attention("F.softmax(scores, dim=-1) * mask", "scores = scores.masked_fill(mask == 0, -1e9)\n"),
        # An additive mask: -1e9 at the pads.
        _attention(
            "torch.softmax(scores + attention_mask, dim=1)", "attention_mask = (1.0 - make_mask(lengths)) * -1e9\n"
        ),
        # Over the features of each step, not over time.
        module(_RNN, "out, _ = self.rnn(x)\nreturn torch.softmax(out, dim=-1)", _PARAMS),
        # Over slots of a learnt memory, not over the padded steps.
        module(
            _RNN,
            "out, _ = self.rnn(x)\nreturn F.softmax(out @ self.memory.t(), dim=-1)",
            _PARAMS,
            extra_init="self.memory = nn.Parameter(torch.randn(32, 16))",
        ),
        # No lengths, no padding: every step is real.
        module(_RNN, _SCORES + "return torch.softmax(scores, dim=1)", "x"),
        # A buffer filled step by step, masked before the softmax.
        module(_RNN, _FILLED + "return torch.softmax(scores.masked_fill(~mask, -1e9), dim=1)", _PARAMS),
        # Filled up to each sample's length, the padded steps left at -inf: they get no weight.
        module(
            _RNN,
            "out, _ = self.rnn(x)\nscores = torch.full((out.size(0), out.size(1)), float('-inf'))\n"
            "for b in range(out.size(0)):\n    for t in range(lengths[b]):\n"
            "        scores[b, t] = self.score(out[b, t])\nreturn torch.softmax(scores, dim=1)",
            _PARAMS,
        ),
    )
    INVALID = (
        # Decoder states against every padded encoder step, a score per pair of steps.
        module(
            _RNN,
            "keys, _ = self.rnn(x)\nqueries, _ = self.decoder(y)\n"
            "weights = F.softmax(queries @ keys.transpose(1, 2), dim=-1)\nreturn weights @ keys",
            _PARAMS + ', y: Float[Tensor, "batch steps emb"]',
            extra_init="self.decoder = nn.LSTM(8, 16, batch_first=True)",
        ),
        _attention("torch.softmax(scores, dim=1)"),
        _attention("F.softmax(scores, 1)"),
        _attention("scores.softmax(dim=-1)"),
        _attention("nn.Softmax(dim=1)(scores)"),
        # Without `dim`, torch picks axis 1 of a 2-D tensor: the time axis here.
        _attention("F.softmax(scores)"),
        # A parameter vector tiled over the batch scores every step of the energies, padded ones too.
        module(
            _RNN,
            "out, _ = self.rnn(x)\nenergy = torch.tanh(self.attn(out)).permute(0, 2, 1)\n"
            "v = self.v.repeat(out.size(0), 1).unsqueeze(1)\n"
            "return torch.softmax(torch.bmm(v, energy).squeeze(1), dim=1)",
            _PARAMS,
            extra_init="self.attn = nn.Linear(16, 16)\nself.v = nn.Parameter(torch.rand(16))",
        ),
        # Each step's score written into a buffer of zeros: the buffer holds the padded steps too.
        module(
            _RNN, _FILLED + "return torch.softmax(scores, dim=1)", _PARAMS, extra_init="self.score = nn.Linear(16, 1)"
        ),
    )

    def check(self, event: ReduceEvent, source: SourceView) -> Iterator[Report]:
        tensor, padding = event.tensor, event.tensor.padding
        if event.op not in kb.SOFTMAX_METHODS or padding is None or event.dim != tensor.padded_position():
            return
        receiver = short(source.code(event.receiver), 30)
        # A fix is code to copy: a receiver too long to quote whole is named `scores` there.
        scores = receiver if "…" not in receiver else "scores"
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` spreads weights over the time axis of `{receiver}` "
            f"{layout_words(tensor)} with the padded steps in: {padded_by(padding, source)}, so every sample "
            "gives part of its attention to padding, more the shorter it is; mask the scores first: use "
            f"`{scores}.masked_fill(~mask, float('-inf'))`, with `mask` true at real steps",
        )
