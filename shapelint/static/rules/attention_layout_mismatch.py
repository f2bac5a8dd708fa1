"""A tensor of known layout given to a multi-head attention that reads its axes the other way round."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import AttentionEvent
from shapelint.static.examples import module
from shapelint.static.layout import Role
from shapelint.static.messages import layout_words, origin_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_RNN = "nn.LSTM(8, 16, batch_first=True)"
_DECLARED = 'x: Float[Tensor, "batch seq emb"]'


def _attend(attention: str, body: str, params: str = _DECLARED) -> str:
    return module(_RNN, body, params, extra_init=f"self.att = {attention}")


class AttentionLayoutMismatch(StaticRule[AttentionEvent]):
    """A batch-first tensor goes into a time-major `nn.MultiheadAttention`, or the other way round.

    ## What it does
    Flags a call of `nn.MultiheadAttention` whose query has a known layout (the output of
    a `batch_first=True` RNN, a jaxtyping annotation, a transpose) that contradicts the
    attention's `batch_first` (False unless it is built with `batch_first=True`).

    ## Why is this bad?
    `nn.MultiheadAttention` reads `(time, batch, feat)` unless built with
    `batch_first=True`. Given a `(batch, time, feat)` tensor it attends across the samples
    of the batch at each step, and treats each step as a sample. With a square batch (as
    many samples as steps) or a batch of one nothing crashes; the output is wrong.

    ## Example
    ```python
    self.attention = nn.MultiheadAttention(256, 4)        # time-major
    ...
    out, _ = self.lstm(x)                                 # batch_first=True: (batch, time, 256)
    ctx, _ = self.attention(out, out, out)
    ```

    ## Use instead
    ```python
    self.attention = nn.MultiheadAttention(256, 4, batch_first=True)
    ```
    or `h = out.transpose(0, 1)` before the call and `ctx.transpose(0, 1)` after it.
    """

    code = "SHP109"
    name = "attention-layout-mismatch"
    fix_title = "Build the attention with the matching `batch_first`, or transpose its inputs"
    event = AttentionEvent
    VALID = (
        _attend(
            "nn.MultiheadAttention(16, 2, batch_first=True)", "out, _ = self.rnn(x)\nreturn self.att(out, out, out)"
        ),
        # Turned time-major for the default attention, and back.
        _attend(
            "nn.MultiheadAttention(16, 2)",
            "out, _ = self.rnn(x)\nh = out.permute(1, 0, 2)\nctx, _ = self.att(h, h, h)\nreturn ctx.permute(1, 0, 2)",
        ),
        # Nothing known of the input: nothing to say.
        _attend("nn.MultiheadAttention(16, 2)", "return self.att(x, x, x)", "x"),
        # An RNN's convention alone, over an input of unknown layout, does not say which module is wrong.
        _attend("nn.MultiheadAttention(16, 2)", "out, _ = self.rnn(x)\nreturn self.att(out, out, out)", "x"),
    )
    INVALID = (
        _attend("nn.MultiheadAttention(16, 2)", "out, _ = self.rnn(x)\nreturn self.att(out, out, out)"),
        _attend(
            "nn.MultiheadAttention(16, 2, 0.0, True, False, False, None, None, True)",
            "h = x.transpose(0, 1)\nreturn self.att(h, h, h)",
        ),
        _attend("nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=False)", "return self.att(x, x, x)"),
    )

    def check(self, event: AttentionEvent, source: SourceView) -> Iterator[Report]:
        query = event.query
        if query is None or event.batch_first is None or event.module is None:
            return
        if not (query.is_time_major() if event.batch_first else query.is_batch_first()):
            return
        if any(axis.assumed for axis in query.axes if axis.role in (Role.BATCH, Role.TIME)):
            return
        argument = short(source.code(event.query_node), 30)
        reads = "(batch, time, feat)" if event.batch_first else "(time, batch, feat)"
        built = "with `batch_first=True`" if event.batch_first else "without `batch_first=True`"
        fix = "`batch_first=False`" if event.batch_first else "`batch_first=True`"
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` gives `{argument}` {layout_words(query)} (the "
            f"{origin_words(query, source)}) to a multi-head attention built {built} at "
            f"{source.at(event.module)}, which reads {reads}: it attends across the samples of the batch instead "
            f"of the steps of each sample; build the attention with {fix} or pass `{argument}.transpose(0, 1)` "
            "(and transpose its output back)",
        )
