"""`.view` that must merge axes of a non-contiguous tensor, which raises."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

from shapelint.static.events import ReshapeEvent
from shapelint.static.examples import module
from shapelint.static.layout import Aligned, Misaligned, Tensor, Unaligned, has_mergeable_pair, mergeable
from shapelint.static.messages import layout_words, short
from shapelint.static.rewrites import renamed_method
from shapelint.static.rules import Report, SourceView, StaticRule


def _model(body: str) -> str:
    """An encoder whose forward gets a declared batch-first `x` and runs ``body``."""
    return module("nn.LSTM(8, 16, batch_first=True)", textwrap.dedent(body))


class ViewNoncontiguous(StaticRule[ReshapeEvent]):
    """`.view` merges axes of a non-contiguous tensor and raises at run time.

    ## What it does
    Flags `.view(...)` on a tensor known to be non-contiguous when the new shape must
    merge axes that are not neighbours in memory: the result of `transpose`, `permute`,
    `t`, `movedim`, `unfold`, `expand`, `narrow` or a partial slice, and the output of
    an RNN built with `batch_first=True`, which torch returns as a transposed view
    (strides `(H, B*H, 1)`; element-wise ops such as `tanh` keep them).

    ## Why is this bad?
    `view` never copies. When the axes it would merge are not laid out one after the
    other, it raises "view size is not compatible with input tensor's size and stride"
    — often only on the real batch size, since size-1 axes do not count.

    ## Example
    ```python
    windows = embeds.unfold(1, context_size, 1)   # (batch, time', emb, window)
    x = windows.view(windows.size(0), windows.size(1), -1)
    ```

    ## Use instead
    ```python
    x = windows.reshape(windows.size(0), windows.size(1), -1)
    ```
    or `.contiguous().view(...)`. Mind the order that results: to concatenate the
    window's embeddings, transpose the last two axes first (`transpose(-1, -2)`).

    ## Known problems
    Fed one sample, or one step at a time (a decoder's `step`), a `batch_first=True` RNN
    returns a contiguous output and `view` works. On an input of unknown layout, an RNN
    given the state it starts from (unless that state is a parameter that defaults to
    None: the RNN then also runs from none, over whole sequences), or an input named a
    step, is taken for such a decoder and not reported; one that reads whole sequences is.
    """

    code = "SHP103"
    name = "view-noncontiguous"
    fix_title = "Use `.reshape(...)` or `.contiguous().view(...)`"
    event = ReshapeEvent
    VALID = (
        _model("        out, _ = self.rnn(x)\n        return out.reshape(out.size(0), -1)\n"),
        _model("        out, _ = self.rnn(x)\n        return out.contiguous().view(-1, 16)\n"),
        # Splitting the last axis needs no copy, even on a transposed view.
        _model("        out, _ = self.rnn(x)\n        return out.view(out.size(0), out.size(1), 2, 8)\n"),
        _model("        y = x.transpose(0, 1)\n        return y.view(y.size(0), y.size(1), y.size(2))\n"),
        _model("        return x.view(x.size(0), -1)\n"),
        # Splitting the first axis of a transposed tensor keeps the others: legal on any strides.
        _model("        y = x.transpose(0, 1)\n        return y.view((2, -1) + y.size()[1:])\n"),
        # A decoder step on tokens of unknown layout: one step per call makes the output contiguous.
        module(
            "nn.LSTM(8, 16, batch_first=True)",
            "out, _ = self.rnn(step_embedding)\nreturn out.view(-1, 16)",
            params="step_embedding",
        ),
        module(
            "nn.GRU(8, 16, batch_first=True)",
            "out, hidden = self.rnn(embedded, hidden)\nreturn out.view(-1, 16), hidden",
            params="embedded, hidden",
        ),
    )
    INVALID = (
        _model("        out, _ = self.rnn(x)\n        return out.view(out.size(0), -1)\n"),
        _model("        out, _ = self.rnn(torch.tanh(x))\n        return torch.tanh(out).view(-1, 16)\n"),
        _model("        w = x.unfold(1, 3, 1)\n        return w.view(w.size(0), w.size(1), -1)\n"),
        _model("        return x.transpose(1, 2).view(x.size(0), -1)\n"),
        # Whatever its input, an RNN that reads whole sequences batch-first returns the transposed view.
        module("nn.LSTM(8, 16, batch_first=True)", "out, _ = self.rnn(x)\nreturn out.view(out.size(0), -1)", "x"),
        # A state that defaults to None: the model also runs from none, over whole sequences.
        module(
            "nn.LSTM(8, 16, batch_first=True)",
            "out, hidden = self.rnn(x, hidden)\nreturn out.view(out.size(0), -1), hidden",
            "x, hidden=None",
        ),
    )

    def check(self, event: ReshapeEvent, source: SourceView) -> Iterator[Report]:
        tensor = event.tensor
        if event.op != "view" or not isinstance(tensor.memory, tuple) or tensor.noncontiguous is None:
            return
        if not _must_merge_apart(event):
            return
        receiver = short(source.code(event.receiver), 30)
        call = event.call
        replacement = renamed_method(call, "reshape")
        assert replacement is not None  # only method calls are `view`s
        reshaped = short(source.code(replacement))
        yield Report(
            call,
            f"`{short(source.code(call))}` merges axes of non-contiguous `{receiver}` {layout_words(tensor)}: "
            f'{_cause(tensor, source)}, so{_unless_single(tensor)} `view` raises "view size is not compatible with '
            f"input tensor's size and stride\"; use `{reshaped}` or `.contiguous().view(...)`",
            replacement,
        )


def _must_merge_apart(event: ReshapeEvent) -> bool:
    tensor, alignment = event.tensor, event.alignment
    if isinstance(alignment, Aligned) and all(group is not None for group in alignment.groups):
        for index in range(len(event.entries)):
            axes = alignment.input_axes_of(index)
            if axes and len(axes) > 1 and mergeable(tensor, axes[0], axes[-1]) is False:
                return True
        return False
    # Not every group is known, but a shape with fewer sized entries than the input has axes that
    # cannot be left out must merge some neighbours, and none of them can be merged. (Splitting an
    # axis, keeping axes and inserting or dropping size-1 axes work on any strides.)
    if isinstance(alignment, Misaligned):
        return False
    dims = alignment.dims if isinstance(alignment, Unaligned) else len({p for p, _ in alignment.atoms})
    rank_after = sum(1 for entry in event.entries if entry != ())
    return rank_after < dims and has_mergeable_pair(tensor) is False


def _unless_single(tensor: Tensor) -> str:
    """A transposed RNN output is contiguous after all when it holds one sample (size-1 axes have no stride)."""
    cause = tensor.noncontiguous
    return " with more than one sample in the batch" if cause is not None and cause.batch_first_rnn else ""


def _cause(tensor: Tensor, source: SourceView) -> str:
    cause = tensor.noncontiguous
    assert cause is not None and cause.where is not None
    at = source.at(cause.where)
    if cause.batch_first_rnn:
        return f"the RNN called with `batch_first=True` at {at} returns a transposed view"
    return f"`{short(source.code(cause.where), 40)}` at {at} made it non-contiguous"
