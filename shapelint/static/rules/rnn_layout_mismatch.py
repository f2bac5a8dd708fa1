"""A tensor of known layout fed to an RNN that reads its axes the other way round."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import RnnCallEvent
from shapelint.static.examples import module
from shapelint.static.messages import layout_words, origin_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_TOKENS = 'tokens: Int[Tensor, "batch seq"]'
_EMBED = "\nself.embedding = nn.Embedding(100, 8)"


class RnnLayoutMismatch(StaticRule[RnnCallEvent]):
    """A batch-first tensor goes into a time-major RNN, or a time-major one into a `batch_first=True` RNN.

    ## What it does
    Flags an RNN call whose input has a known layout (a jaxtyping annotation such as
    `Float[Tensor, "seq batch emb"]`, an Embedding of declared batch-first tokens, an
    earlier transpose) that contradicts the RNN's `batch_first`.

    ## Why is this bad?
    An RNN reads axis 0 as time unless built with `batch_first=True`. Given a
    `(batch, seq, emb)` tensor, a time-major LSTM runs "through time" across the samples
    of the batch and treats each time step as a sample. Shapes fit, nothing crashes.

    ## Example
    ```python
    self.lstm = nn.LSTM(emb, hidden)                     # time-major
    ...
    embeds = self.embedding(tokens)                      # tokens: "batch seq"
    out, _ = self.lstm(embeds)
    ```

    ## Use instead
    ```python
    self.lstm = nn.LSTM(emb, hidden, batch_first=True)
    ```
    or `self.lstm(embeds.transpose(0, 1))`.
    """

    code = "SHP105"
    name = "rnn-layout-mismatch"
    fix_title = "Build the RNN with the matching `batch_first`, or transpose its input"
    event = RnnCallEvent
    VALID = (
        module("nn.LSTM(8, 16, batch_first=True)", "out, _ = self.rnn(self.embedding(tokens))", _TOKENS, _EMBED),
        module("nn.LSTM(8, 16)", "out, _ = self.rnn(self.embedding(tokens).transpose(0, 1))", _TOKENS, _EMBED),
        module("nn.GRU(8, 16)", "out, _ = self.rnn(x)", 'x: Float[Tensor, "seq batch emb"]'),
        # Nothing known about x: nothing to say.
        module("nn.LSTM(8, 16)", "out, _ = self.rnn(x)", "x"),
        # Transposed in place before the call: `x` is time-major there.
        module("nn.LSTM(8, 16)", "x.transpose_(0, 1)\nout, _ = self.rnn(x)"),
    )
    INVALID = (
        module("nn.LSTM(8, 16)", "out, _ = self.rnn(self.embedding(tokens))", _TOKENS, _EMBED),
        module("nn.GRU(8, 16, batch_first=True)", "out, _ = self.rnn(x)", 'x: Float[Tensor, "seq batch emb"]'),
        module("nn.LSTM(8, 16, 1, True, False)", "return self.rnn(x)", 'x: Float[Tensor, "b t e"]'),
        # A transpose in place where none was needed.
        module("nn.LSTM(8, 16, batch_first=True)", "x.transpose_(0, 1)\nout, _ = self.rnn(x)"),
    )

    def check(self, event: RnnCallEvent, source: SourceView) -> Iterator[Report]:
        given = event.given
        if given is None or given.rank != 3:
            return
        wrong = given.is_time_major() if event.batch_first else given.is_batch_first()
        if not wrong:
            return
        argument = short(source.code(event.call.args[0].value), 30)
        reads = "batch-first (batch, time, feat)" if event.batch_first else "time-major (time, batch, feat)"
        fix = "`batch_first=False`" if event.batch_first else "`batch_first=True`"
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` feeds `{argument}` {layout_words(given)} (the "
            f"{origin_words(given, source)}) to an RNN built at {source.at(event.rnn_where)} that reads "
            f"{reads}: it runs through the batch as if it were time; build the RNN with {fix} or pass "
            f"`{argument}.transpose(0, 1)`",
        )
