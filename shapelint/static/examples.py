"""Builds the small programs that rules use as their VALID/INVALID examples."""

from __future__ import annotations

HEADER = (
    "import torch\n"
    "from torch import Tensor, nn\n"
    "from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
    "from jaxtyping import Float, Int\n\n"
)


def module(rnn: str, forward: str, params: str = 'x: Float[Tensor, "batch seq emb"]', extra_init: str = "") -> str:
    """A module holding ``self.rnn = <rnn>`` whose ``forward(self, <params>)`` body is ``forward``."""
    body = "".join(f"        {line}\n" for line in forward.strip("\n").splitlines())
    init = "".join(f"        {line}\n" for line in extra_init.strip("\n").splitlines()) if extra_init else ""
    return (
        HEADER
        + "class Model(nn.Module):\n"
        + "    def __init__(self):\n"
        + "        super().__init__()\n"
        + f"        self.rnn = {rnn}\n"
        + init
        + "\n"
        + f"    def forward(self, {params}):\n"
        + body
    )
