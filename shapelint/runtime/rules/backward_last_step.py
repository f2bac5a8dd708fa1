"""The last time step of a bidirectional RNN's output used whole, as a summary of the sequence."""

from __future__ import annotations

from shapelint.findings import Finding
from shapelint.runtime.examples import BIDIRECTIONAL_LSTM, summarised
from shapelint.runtime.rules import RuntimeRule


def _program(summary: str, rnn: str = BIDIRECTIONAL_LSTM, features: int = 32, transpose: str = "") -> str:
    return summarised(summary, rnn, "out, h_n", features, transpose)


_GATHERED = """
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(50, 8, padding_idx=0)
        self.rnn = nn.LSTM(8, 16, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(32, 3)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True)
        rows = torch.arange(out.size(0))
        return self.fc({summary})

Model()(torch.tensor([[5, 6, 0, 0], [7, 8, 9, 4], [3, 0, 0, 0]]), torch.tensor([2, 4, 1]))
"""


def _gathered(summary: str) -> str:
    """A packed batch, unpacked, summarised at each sample's own steps (``rows``, ``lengths``)."""
    return _GATHERED.format(summary=summary)


class BackwardLastStep(RuntimeRule):
    """At run time, `out[:, -1]` of a bidirectional RNN passes its backward half off as a summary.

    ## What it does
    Follows each call of a bidirectional `nn.LSTM`, `nn.GRU` or `nn.RNN` inside a model
    to the end of the model's call, and flags the last time step of its output taken with
    every feature (`out[:, -1]` batch-first, `out[-1]` time-major), or each sample's last
    real step (`out[torch.arange(B), lengths - 1]`, the lengths known from the pack or the
    padding), when nothing else carries the backward direction's summary: not the output's
    first step, not the output as a whole, not `h_n`'s last row or `h_n` as a whole, and no
    results leave the call. Position-wise ops on the output alone (dropout, `tanh`, layer
    norm, ...) and `pad_packed_sequence` keep its steps and halves where they were, and are
    followed.

    ## Why is this bad?
    The backward direction runs from the end of the sequence to its start: at the last
    step it has read only the last token. Half of the "summary" is then close to useless;
    the backward direction's summary of the whole sequence is at the first step. Nothing
    fails or warns.

    ## Example
    ```python
    out, _ = self.lstm(x)                  # bidirectional=True, batch_first=True
    summary = out[:, -1]
    ```

    ## Use instead
    ```python
    summary = torch.cat([out[:, -1, :hidden], out[:, 0, hidden:]], dim=-1)
    ```
    or `torch.cat([h_n[-2], h_n[-1]], dim=-1)`.
    """

    code = "SHP511"
    name = "backward-last-step"
    fix_title = "Join the forward half's last step with the backward half's first step"
    VALID = (
        _program("torch.cat([out[:, -1, :16], out[:, 0, 16:]], dim=-1)"),
        # The whole last step, but with the first step beside it: both summaries are there.
        _program("torch.stack([out[:, -1], out[:, 0]], 1).mean(1)"),
        _program("torch.cat([out[:, -1, :16], h_n[0][-1]], dim=-1)"),
        _program("out[:, -1]", rnn="LSTM(8, 16, batch_first=True)", features=16),
        # After a position-wise op, the halves are still where they were: this one takes both right.
        _program("torch.cat([torch.tanh(out)[:, -1, :16], torch.tanh(out)[:, 0, 16:]], dim=-1)"),
        _gathered("torch.cat([out[rows, lengths - 1, :16], out[:, 0, 16:]], dim=-1)"),
        # Steps of the user's choosing, not each sample's last one: token features, not a summary.
        _gathered("out[rows, (lengths - 2).clamp(min=0)]"),
    )
    INVALID = (
        _program("out[:, -1]"),
        _program("out[-1]", rnn="GRU(8, 16, bidirectional=True)", transpose=".t()"),
        _program("torch.relu(out[:, -1, :])"),
        # Dropout (or tanh, layer norm, ...) on the whole output first: the same last step.
        _program("nn.functional.dropout(out, 0.1)[:, -1]"),
        _program("self.norm(out)[:, -1]").replace("self.fc = ", "self.norm = nn.LayerNorm(32)\n        self.fc = "),
        # Each sample's last real step, gathered at `lengths - 1`: its backward half has read one token too.
        _gathered("out[rows, lengths - 1]"),
    )

    @classmethod
    def finding(
        cls,
        place: str,
        rnn: str,
        kind: str,
        called_at: str,
        output: str,
        batch_first: bool,
        hidden: int,
        gathered: bool = False,
    ) -> Finding:
        """``output``: the RNN's output (unpacked), in words; ``hidden``: its hidden size (each direction's
        half); ``gathered``: read at each sample's last real step (``out[rows, lengths - 1]``), not at -1."""
        named = f"bidirectional {kind}" + (f" `{rnn}`" if rnn != kind else "")
        if gathered:
            step = "each sample's last real step (at `lengths - 1`)"
            last = "out[rows, lengths - 1" if batch_first else "out[lengths - 1, rows"
        else:
            step, last = "the last step", "out[:, -1" if batch_first else "out[-1, :"
        first = "out[:, 0" if batch_first else "out[0, :"
        return cls.at(
            place,
            f"{step} of the output of the {named} called at {called_at} ({output}) is used with both "
            f"halves: its backward half (features {hidden}:{2 * hidden}) has read only the last token, and the "
            f"backward summary of the whole sequence (the first step) is never used; use `torch.cat([{last}, "
            f":{hidden}], {first}, {hidden}:]], dim=-1)` or `torch.cat([h_n[-2], h_n[-1]], dim=-1)`",
        )
