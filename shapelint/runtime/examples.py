"""Small programs that the runtime rules use as examples; the tests run them under the tracer."""

from __future__ import annotations

PIPELINE = """
import torch
from torch import nn

torch.manual_seed(0)
embedding, lstm = nn.Embedding(50, 8), nn.LSTM(8, 16{lstm})

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.lstm, self.fc = embedding, lstm, nn.Linear(16, 3)

    def forward(self, tokens):
        embeds = self.embedding(tokens)
{body}

model = Model()
for batch_size, seq_len in {sizes}:
    model(torch.randint(0, 50, (batch_size, seq_len)))
"""


def pipeline(body: str, lstm: str = "", sizes: str = "[(2, 3), (2, 5)]") -> str:
    """A model run on batch-first token batches of the given (batch, seq) sizes."""
    indented = "".join(f"        {line}\n" for line in body.strip("\n").splitlines())
    return PIPELINE.format(body=indented.rstrip("\n"), lstm=lstm, sizes=sizes)


SUMMARISED = """
import torch
from torch import nn

torch.manual_seed(0)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding, self.rnn = nn.Embedding(50, 8), nn.{rnn}
        self.fc = nn.Linear({features}, 3)

    def forward(self, tokens):
        {unpack} = self.rnn(self.embedding(tokens{transpose}))
        return self.fc({summary})

model = Model()
for seq_len in (3, 5, 4):
    model(torch.randint(0, 50, (4, seq_len)))
"""
BIDIRECTIONAL_LSTM = "LSTM(8, 16, batch_first=True, bidirectional=True)"


def summarised(summary: str, rnn: str, unpack: str, features: int, transpose: str = "") -> str:
    """A classifier whose ``forward`` runs ``rnn`` over batch-first tokens (``.t()`` them with
    ``transpose``), unpacks its results into ``unpack`` and feeds ``summary`` to a Linear of ``features``."""
    return SUMMARISED.format(rnn=rnn, unpack=unpack, transpose=transpose, summary=summary, features=features)
