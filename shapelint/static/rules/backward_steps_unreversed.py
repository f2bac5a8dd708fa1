"""A hand-written backward direction whose outputs are joined to the forward ones in reverse time order."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from shapelint.static.events import StepsJoinedEvent
from shapelint.static.examples import module
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_CELLS = "nn.GRUCell(8, 16)"
_EXTRA = "self.back = nn.GRUCell(8, 16)"


def _bidirectional(backward_loop: str, stacked_backward: str, before_stack: str = "") -> str:
    """Two GRU cells stepped by hand over a batch-first ``x``, their outputs joined feature to feature."""
    body = (
        "h_f = x.new_zeros(x.size(0), 16)\nh_b = x.new_zeros(x.size(0), 16)\nfw, bw = [], []\n"
        "for t in range(x.size(1)):\n    h_f = self.rnn(x[:, t], h_f)\n    fw.append(h_f)\n"
        f"for t in {backward_loop}:\n    h_b = self.back(x[:, t], h_b)\n    bw.append(h_b)\n"
        f"{before_stack}"
        f"return torch.cat([torch.stack(fw, 1), torch.stack({stacked_backward}, 1)], dim=-1)"
    )
    return module(_CELLS, body, extra_init=_EXTRA)


class BackwardStepsUnreversed(StaticRule[StepsJoinedEvent]):
    """The outputs of a backward loop, still in the order it made them, joined to the forward outputs.

    ## What it does
    Flags `torch.cat([forward, backward], dim=-1)` where both come from a cell stepped by hand
    (`for t in range(T): h = self.cell(x[:, t], h); outs.append(h)`, then `torch.stack(outs, 1)`),
    the backward loop runs from the last step down (`reversed(range(T))`, `range(T - 1, -1, -1)`),
    and its list was not put back in time order (`outs[::-1]`, `outs.reverse()`, `reversed(outs)`,
    `outs.insert(0, h)`).

    ## Why is this bad?
    The backward loop appends the output of the last step first. Stacked as they are, step `t` of
    the backward half holds the output at step `T - 1 - t`: each position joins the forward
    state of one token with the backward state of another, and only the middle one is right.
    Nothing fails; a tagger on top learns from mismatched halves. `nn.LSTM(bidirectional=True)`
    returns both halves aligned on the same step.

    ## Example
    ```python
    for t in reversed(range(T)):
        h_b = self.bwd(x[:, t], h_b)
        outs_b.append(h_b)
    out = torch.cat([torch.stack(outs_f, 1), torch.stack(outs_b, 1)], dim=-1)
    ```

    ## Use instead
    ```python
    out = torch.cat([torch.stack(outs_f, 1), torch.stack(outs_b[::-1], 1)], dim=-1)
    ```
    """

    code = "SHP207"
    name = "backward-steps-unreversed"
    fix_title = "Put the backward outputs back in time order before joining them"
    event = StepsJoinedEvent
    VALID = (
        _bidirectional("reversed(range(x.size(1)))", "bw[::-1]"),
        _bidirectional("range(x.size(1) - 1, -1, -1)", "bw", before_stack="bw.reverse()\n"),
        _bidirectional("reversed(range(x.size(1)))", "list(reversed(bw))"),
        # A forward loop over the steps from the end (`x[:, T - 1 - t]`): what order it reads in is
        # the index's business, which is not followed.
        _bidirectional("range(x.size(1))", "bw[::-1]").replace("x[:, t], h_b", "x[:, x.size(1) - 1 - t], h_b"),
    )
    INVALID = (
        _bidirectional("reversed(range(x.size(1)))", "bw"),
        _bidirectional("range(x.size(1) - 1, -1, -1)", "bw"),
    )

    def check(self, event: StepsJoinedEvent, source: SourceView) -> Iterator[Report]:
        node = event.backward_node
        backward = short(source.code(node), 40)
        loop = event.backward.rnn.where if event.backward.rnn is not None else None
        listed = node.args[0].value if isinstance(node, cst.Call) and node.args else None
        fix = "reverse the backward list before stacking it (use `outs[::-1]`)"
        if isinstance(listed, cst.Name):
            fix = f"use `{listed.value}[::-1]` in place of `{listed.value}` there"
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` joins `{backward}` {layout_words(event.backward)}, the outputs of "
            f"the loop at {source.at(loop)} that steps backward, in the order it made them (last step first), to "
            f"the forward outputs {layout_words(event.forward)}: on the time axis step t of one half meets step "
            f"T-1-t of the other; {fix}",
        )
