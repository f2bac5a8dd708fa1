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


class DeclaredLayoutViolation(RuntimeRule):
    """At run time, a model's inputs break its jaxtyping annotations.

    ## What it does
    Checks the jaxtyping annotations of a traced model's `forward` (`tokens: Int[Tensor,
    "batch seq"]`, `lengths: Int[Tensor, "batch"]`) on every top-level call, with
    beartype, names bound across arguments. A violation becomes a finding, not a crash.

    ## Why is this bad?
    The annotation is the model's contract: inputs that break it are laid out otherwise
    than the code assumes (time-major tokens for a batch-first model, lengths of the
    wrong batch). Note that the check sees sizes only: a batch-first tensor passes a
    "seq batch" annotation when batch == seq; the other runtime rules follow the axes.

    ## Example
    ```python
    model(tokens.t(), lengths)   # forward(tokens: Int[Tensor, "batch seq"], lengths: Int[Tensor, "batch"])
    ```

    ## Use instead
    ```python
    model(tokens, lengths)
    ```
    """

    code = "SHP505"
    name = "declared-layout-violation"
    fix_title = "Pass inputs in the layout the annotations declare"
    VALID = (
        _DECLARED.format(tokens="(3, 5)", lengths="[5, 2, 4]"),
        _DECLARED.format(tokens="(4, 4)", lengths="[4, 4, 1, 2]"),
    )
    INVALID = (
        _DECLARED.format(tokens="(5, 3)", lengths="[5, 2, 4]"),
        _DECLARED.format(tokens="(3, 5)", lengths="[5, 2, 4, 1]"),
    )

    @classmethod
    def finding(cls, place: str, model: str, problem: str) -> Finding:
        return cls.at(
            place,
            f"this call of `{model}` breaks its jaxtyping annotations: {problem}; "
            "pass inputs in the layout `forward` declares (transpose them), or fix the annotation",
        )


def summarise(message: str) -> str:
    """jaxtyping's error, cut to the lines that say which parameter and which shape."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    wanted = [line for line in lines if line.startswith(("The problem arose", "Actual value", "Expected type"))]
    return " ".join(wanted or lines[:2])
