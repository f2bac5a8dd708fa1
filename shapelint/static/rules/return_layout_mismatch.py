"""A function returns batch and time in the order its annotation says it does not."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import ReturnEvent
from shapelint.static.examples import module
from shapelint.static.layout import Role
from shapelint.static.messages import layout_words, origin_words, short
from shapelint.static.rules import Report, SourceView, StaticRule


def _returns(layout: str, body: str, rnn: str = "nn.LSTM(8, 16)") -> str:
    source = module(rnn, body, 'x: Float[Tensor, "seq batch emb"]')
    return source.replace('emb"]):\n', f'emb"]) -> Float[Tensor, "{layout}"]:\n', 1)


class ReturnLayoutMismatch(StaticRule[ReturnEvent]):
    """A returned tensor's batch and time are in the other order than its jaxtyping annotation declares.

    ## What it does
    Flags `return t` in a function annotated `-> Float[Tensor, "batch seq ..."]` (or any
    declaration naming batch and time) when `t` is known to hold them the other way
    round, e.g. the output of a time-major RNN returned as batch-first.

    ## Why is this bad?
    Callers trust the annotation: a loss that reads axis 0 as the batch silently
    compares every sample with the wrong target. jaxtyping checks sizes only, so when
    batch == seq the annotation passes at run time too.

    ## Example
    ```python
    def forward(self, x: Float[Tensor, "seq batch emb"]) -> Float[Tensor, "batch seq hidden"]:
        out, _ = self.lstm(x)        # time-major
        return out
    ```

    ## Use instead
    ```python
        return out.transpose(0, 1)
    ```
    """

    code = "SHP106"
    name = "return-layout-mismatch"
    fix_title = "Return the layout the annotation declares (transpose), or fix the annotation"
    event = ReturnEvent
    VALID = (
        _returns("batch seq hidden", "out, _ = self.rnn(x)\nreturn out.transpose(0, 1)"),
        _returns("seq batch hidden", "out, _ = self.rnn(x)\nreturn out"),
        _returns("batch hidden", "out, (h_n, c_n) = self.rnn(x)\nreturn h_n[-1]"),
    )
    INVALID = (
        _returns("batch seq hidden", "out, _ = self.rnn(x)\nreturn out"),
        _returns("b t h", "return self.rnn(x)[0]"),
    )

    def check(self, event: ReturnEvent, source: SourceView) -> Iterator[Report]:
        declared, returned = event.declared, event.returned
        if declared.rank != returned.rank:
            return
        batch, time = returned.role_position(Role.BATCH), returned.role_position(Role.TIME)
        if batch is None or time is None:
            return
        says_batch, says_time = declared.role_position(Role.BATCH), declared.role_position(Role.TIME)
        if (says_batch, says_time) != (time, batch):
            return
        value = short(source.code(event.node.value), 30) if event.node.value is not None else "it"
        yield Report(
            event.node,
            f"`{value}` is {layout_words(returned)}, the {origin_words(returned, source)}, but the function declares "
            f"{layout_words(declared)} ({source.at(declared.where)}): callers will read batch as time; "
            f"use `{value}.transpose({min(batch, time)}, {max(batch, time)})` or fix the annotation",
        )
