"""Buggy: `mean(1)` over a padded batch's outputs averages the padding steps too, so a
sample's result depends on how long the longest sample in its batch is."""

import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class MeanPoolClassifier(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, hidden_dim: int, num_classes: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, num_classes)

    def forward(self, tokens: Int[Tensor, "batch seq"], lengths: Tensor) -> Float[Tensor, "batch classes"]:
        packed = pack_padded_sequence(self.embedding(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        padded, _ = pad_packed_sequence(out, batch_first=True)
        return self.fc(padded.mean(1))


def build(batch_size: int, seq_len: int) -> MeanPoolClassifier:
    return MeanPoolClassifier(vocab_size=20, emb_dim=6, hidden_dim=8, num_classes=3)
