"""An RNN's initial state built with the batch where its layers go."""

from __future__ import annotations

from shapelint.findings import Finding
from shapelint.runtime.axes import Origin
from shapelint.runtime.rules import RuntimeRule

_PROGRAM = """
import torch
from jaxtyping import Float, Int
from torch import Tensor, nn

torch.manual_seed(0)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.lstm = nn.Embedding(50, 8), nn.LSTM(8, 16, num_layers=2, batch_first=True)
        self.init = nn.Linear(4, 16)

    def forward(self, tokens: Int[Tensor, "batch seq"], context: Float[Tensor, "batch ctx"]):
        batch_size = tokens.size(0)
{body}
        out, _ = self.lstm(self.embedding(tokens), (h0, torch.zeros_like(h0)))
        return out

model = Model()
for seq_len in (3, 5):
    model(torch.randint(0, 50, (2, seq_len)), torch.randn(2, 4))
"""


def _program(body: str) -> str:
    return _PROGRAM.format(body="".join(f"        {line}\n" for line in body.splitlines()).rstrip("\n"))


class BatchFirstState(RuntimeRule):
    """At run time, an RNN's initial state holds the batch in its layers slot.

    ## What it does
    Follows the axes of the initial state given to an `nn.LSTM`, `nn.GRU` or `nn.RNN`
    (`self.lstm(x, (h0, c0))`), also when it was filled in place (`h0[:, 0] =
    proj(context)`), and flags a state whose first axis is an input's batch axis, once the
    run has shown which axis is the batch (a declaration, or what the run shows).

    ## Why is this bad?
    `h0`/`c0` are `(layers * directions, batch, hidden)` whatever `batch_first` says.
    torch rejects a batch-first state unless batch == layers * directions, and then it
    silently gives sample `i` the state meant for layer `i`: each sample starts from the
    others' context.

    ## Example
    ```python
    h0 = torch.zeros(batch_size, self.num_layers, self.hidden_size)
    h0[:, 0] = self.init_proj(context)
    out, _ = self.lstm(x, (h0, c0))
    ```

    ## Use instead
    ```python
    h0 = torch.zeros(self.num_layers * num_directions, batch_size, self.hidden_size)
    h0[0] = self.init_proj(context)
    ```
    """

    code = "SHP512"
    name = "batch-first-state"
    fix_title = "Build the initial state as `(layers * directions, batch, hidden)`"
    VALID = (
        _program("h0 = torch.zeros(2, batch_size, 16)\nh0[0] = self.init(context)"),
        # batch == layers: a new leading dim and the batch behind it, not the batch first.
        _program("h0 = self.init(context).expand(2, -1, -1).contiguous()"),
        # Built batch-first, as the bug does, then moved where the layers go.
        _program(
            "h0 = torch.zeros(batch_size, 2, 16)\nh0[:, 0] = self.init(context)\nh0 = h0.transpose(0, 1).contiguous()"
        ),
    )
    INVALID = (
        _program("h0 = torch.zeros(batch_size, 2, 16)\nh0[:, 0] = self.init(context)"),
        _program("h0 = self.init(context).unsqueeze(1).expand(-1, 2, -1).contiguous()"),
    )

    @classmethod
    def finding(cls, place: str, rnn: str, batch: Origin, state: str) -> Finding:
        """``batch``: the input axis in the state's first slot; ``state``: the state in words."""
        return cls.at(
            place,
            f"the initial state given to `{rnn}` here is {state} with {batch} (batch) as its first axis, but an "
            "RNN's state is (layers*dirs, batch, hidden) whatever `batch_first` says: with batch == layers*dirs "
            "torch accepts it and gives each sample another layer's state; use "
            "`torch.zeros(num_layers * num_directions, batch_size, hidden)` (layer `i` is `h0[i]`)",
        )
