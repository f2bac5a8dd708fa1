"""Buggy: the classifier is sized for both directions, `2 * hidden_dim`, but is fed `h_n[-1]`,
the backward direction alone: it raises on the size. `shapelint check --fix` can repair this one:
the layer already expects what `torch.cat([h_n[-2], h_n[-1]], dim=-1)` gives."""

import torch
import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor
from torch.nn.utils.rnn import pack_padded_sequence


class BiLSTMClassifier(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, hidden_dim: int, num_classes: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_dim, num_classes)

    def forward(self, tokens: Int[Tensor, "batch seq"], lengths: Tensor) -> Float[Tensor, "batch classes"]:
        packed = pack_padded_sequence(self.embedding(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, (h_n, c_n) = self.lstm(packed)  # h_n: (2, batch, hidden)
        return self.fc(h_n[-1])


def build(batch_size: int, seq_len: int) -> BiLSTMClassifier:
    return BiLSTMClassifier(vocab_size=20, emb_dim=6, hidden_dim=8, num_classes=3)
