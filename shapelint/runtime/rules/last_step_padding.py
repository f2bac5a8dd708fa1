"""The last time step of a padded batch read as each sequence's end."""

from __future__ import annotations

from shapelint.findings import Finding
from shapelint.runtime.axes import Origin
from shapelint.runtime.rules import RuntimeRule

_PROGRAM = """
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(50, 8, padding_idx=0)
        self.lstm = nn.LSTM(8, 16, batch_first={batch_first})
        self.fc = nn.Linear(16, 3)

    def forward(self, tokens):
        lengths = (tokens != 0).sum(1)
{body}

model = Model()
for rows in ([[5, 6, 7, 0], [8, 9, 0, 0], [4, 3, 2, 1]], [[5, 6, 0, 0, 0], [8, 9, 3, 1, 2], [4, 4, 4, 0, 0]]):
    model(torch.tensor(rows))
"""
_PACKED = "packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)\n"


def _program(body: str, batch_first: bool = True) -> str:
    indented = "".join(f"        {line}\n" for line in body.splitlines()).rstrip("\n")
    return _PROGRAM.format(body=indented, batch_first=batch_first)


class LastStepPadding(RuntimeRule):
    """At run time, `out[:, -1]` of a padded batch is padding for the shorter samples.

    ## What it does
    When an `nn.Embedding` with `padding_idx` has shown which steps of the batch are
    padding, checks every `x[:, -1]` (`x[-1]` time-major) over the time axis of a float
    tensor derived from it: it flags the read when, for some sample, that step is padding
    and holds another value than the sample's last real step. A masked running sum that
    stopped at the last real step passes; an index by position (`x[:, t]` in a loop) is
    not judged.

    ## Why is this bad?
    For every sample shorter than the longest, the last step is padding: an unpacked RNN
    has run on through the pad tokens, and `pad_packed_sequence` put zeros there. The
    "summary" of short samples then depends on how much padding their batch needed.

    ## Example
    ```python
    out, _ = self.lstm(self.embedding(tokens))      # padded, not packed
    logits = self.fc(out[:, -1])
    ```

    ## Use instead
    ```python
    packed = pack_padded_sequence(embeds, lengths, batch_first=True, enforce_sorted=False)
    _, (h_n, _) = self.lstm(packed)
    logits = self.fc(h_n[-1])                       # or out[torch.arange(out.size(0)), lengths - 1]
    ```
    """

    code = "SHP510"
    name = "last-step-padding"
    fix_title = "Pack the batch and use `h_n[-1]`, or gather each sample's step at `lengths - 1`"
    VALID = (
        _program(_PACKED + "_, (h_n, c_n) = self.lstm(packed)\nreturn self.fc(h_n[-1])"),
        _program(
            "out, _ = self.lstm(self.embedding(tokens))\nreturn self.fc(out[torch.arange(out.size(0)), lengths - 1])"
        ),
        # The last step of a masked running sum: padded steps add nothing, so it is each sample's own total.
        _program(
            "out, _ = self.lstm(self.embedding(tokens))\nreal = (tokens != 0).unsqueeze(-1)\n"
            "return self.fc((out * real).cumsum(1)[:, -1] / real.sum(1))"
        ),
        # Every step, the last one too, to a per-step tagger (the loss masks the padding).
        _program(
            "out, _ = self.lstm(self.embedding(tokens))\n"
            "return torch.stack([self.fc(out[:, t]) for t in range(out.size(1))], 1)"
        ),
    )
    INVALID = (
        _program("out, _ = self.lstm(self.embedding(tokens))\nreturn self.fc(out[:, -1])"),
        _program("out, _ = self.lstm(self.embedding(tokens.t()))\nreturn self.fc(out[-1])", batch_first=False),
        _program(
            _PACKED + "out, _ = self.lstm(packed)\npadded, _ = pad_packed_sequence(out, batch_first=True)\n"
            "return self.fc(padded[:, -1, :])"
        ),
    )

    @classmethod
    def finding(cls, place: str, time: Origin, tensor: str, lengths: list[int], samples: int) -> Finding:
        """``lengths``: the real lengths of the samples whose last step is padding, of ``samples``."""
        shown = ", ".join(map(str, lengths))
        return cls.at(
            place,
            f"indexing {time} (time) at -1 takes the last step of {tensor}, a padded batch: for {len(lengths)} of "
            f"{samples} samples (real lengths {shown}) that step is padding, not their last token; use `h_n[-1]` "
            "of a packed run (`pack_padded_sequence(..., enforce_sorted=False)`), or "
            "`out[torch.arange(out.size(0)), lengths - 1]`",
        )
