"""A call that breaks the shapes its jaxtyping annotations declare."""

from __future__ import annotations

from shapelint.findings import Finding
from shapelint.runtime.rules import RuntimeRule

_DECLARED = """
import torch
from jaxtyping import Int
from torch import Tensor, nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(50, 8)

    def forward(self, tokens: Int[Tensor, "batch seq"], lengths: Int[Tensor, "batch"]):
        return self.embedding(tokens).sum(1)

Model()(torch.randint(0, 50, {tokens}), torch.tensor({lengths}))
"""
_RETURNED = """
import torch
from jaxtyping import Float, Int
from torch import Tensor, nn

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.lstm, self.fc = nn.Embedding(50, 8), nn.LSTM(8, 16), nn.Linear(16, 3)

    def forward(self, tokens: Int[Tensor, "seq batch"]) -> Float[Tensor, "{returns}"]:
        out, _ = self.lstm(self.embedding(tokens))
        return {value}

Tagger()(torch.randint(0, 50, (4, 4)))
"""


class DeclaredLayoutViolation(RuntimeRule):
    """At run time, a model's inputs or its result break its jaxtyping annotations.

    ## What it does
    Checks the jaxtyping annotations of a traced model's `forward` (`tokens: Int[Tensor,
    "batch seq"]`, `lengths: Int[Tensor, "batch"]`) on every top-level call, with
    beartype, names bound across arguments. A violation becomes a finding, not a crash.
    The returned tensor is checked by its axes: a return annotation that places the batch
    and the time (`-> Float[Tensor, "batch seq tags"]`) is violated by a result that
    holds the input's time axis where it declares the batch and the batch where the time.

    ## Why is this bad?
    The annotation is the model's contract: inputs that break it are laid out otherwise
    than the code assumes (time-major tokens for a batch-first model, lengths of the
    wrong batch), and callers read a result that breaks it with batch and time swapped
    (a loss compares each sample with another's targets). Sizes alone pass when batch ==
    seq; the result's axes do not.

    ## Example
    ```python
    model(tokens.t(), lengths)   # forward(tokens: Int[Tensor, "batch seq"], lengths: Int[Tensor, "batch"])
    ```
    ```python
    def forward(self, tokens: Int[Tensor, "seq batch"]) -> Float[Tensor, "batch seq tags"]:
        out, _ = self.lstm(self.embedding(tokens))   # time-major
        return self.fc(out)
    ```

    ## Use instead
    ```python
    model(tokens, lengths)
    ```
    ```python
        return self.fc(out).transpose(0, 1)
    ```
    """

    code = "SHP505"
    name = "declared-layout-violation"
    fix_title = "Pass inputs in the layout the annotations declare"
    VALID = (
        _DECLARED.format(tokens="(3, 5)", lengths="[5, 2, 4]"),
        _DECLARED.format(tokens="(4, 4)", lengths="[4, 4, 1, 2]"),
        _RETURNED.format(returns="batch seq tags", value="self.fc(out).transpose(0, 1)"),
        # Time-major in, time-major out, as declared: sizes equal, axes where the annotation puts them.
        _RETURNED.format(returns="seq batch tags", value="self.fc(out)"),
    )
    INVALID = (
        _DECLARED.format(tokens="(5, 3)", lengths="[5, 2, 4]"),
        _DECLARED.format(tokens="(3, 5)", lengths="[5, 2, 4, 1]"),
        _RETURNED.format(returns="batch seq tags", value="self.fc(out)"),
    )

    @classmethod
    def finding(cls, place: str, model: str, problem: str) -> Finding:
        return cls.at(
            place,
            f"this call of `{model}` breaks its jaxtyping annotations: {problem}; "
            "pass inputs in the layout `forward` declares (transpose them), or fix the annotation",
        )

    @classmethod
    def returned(cls, place: str, model: str, declared: str, result: str) -> Finding:
        """``place``: the ``return`` of ``forward``; ``result``: the returned tensor, with its axes' roles."""
        return cls.at(
            place,
            f'`{model}` returns {result}, but its annotation declares "{declared}": batch and time are '
            "swapped, and callers will read time steps as samples; use `.transpose(0, 1)` on the result "
            "(or `.permute` to the declared order), or fix the annotation",
        )


def summarise(message: str) -> str:
    """jaxtyping's error, cut to the lines that say which parameter and which shape."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    wanted = [line for line in lines if line.startswith(("The problem arose", "Actual value", "Expected type"))]
    return " ".join(wanted or lines[:2])
