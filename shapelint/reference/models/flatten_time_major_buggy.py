"""Buggy: a time-major LSTM output flattened with `out.view(batch_size, -1)` into a Linear
over every step. Each row of the view holds steps of several samples; the Linear's input
size matches, so nothing fails."""

import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class SequenceClassifier(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, hidden_dim: int, seq_len: int, num_classes: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim)
        self.fc = nn.Linear(seq_len * hidden_dim, num_classes)  # every step's state

    def forward(self, tokens: Int[Tensor, "batch seq"], lengths: Tensor) -> Float[Tensor, "batch classes"]:
        batch_size = tokens.size(0)
        embeds = self.embedding(tokens).transpose(0, 1)  # (seq, batch, emb)
        out, (h_n, c_n) = self.lstm(embeds)  # (seq, batch, hidden)
        return self.fc(out.view(batch_size, -1))


def build(batch_size: int, seq_len: int) -> SequenceClassifier:
    return SequenceClassifier(vocab_size=20, emb_dim=6, hidden_dim=8, seq_len=seq_len, num_classes=3)
