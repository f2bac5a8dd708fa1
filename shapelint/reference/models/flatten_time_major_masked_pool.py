"""Fixed: pool every real step of each sample with a mask built from `lengths`, after
turning the time-major output batch-first."""

import torch
import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class SequenceClassifier(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, hidden_dim: int, num_classes: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim)
        self.fc = nn.Linear(hidden_dim, num_classes)

    def forward(self, tokens: Int[Tensor, "batch seq"], lengths: Tensor) -> Float[Tensor, "batch classes"]:
        embeds = self.embedding(tokens).transpose(0, 1)  # (seq, batch, emb)
        out, (h_n, c_n) = self.lstm(embeds)
        out = out.transpose(0, 1)  # (batch, seq, hidden)
        lengths = lengths.to(out.device)
        mask = (torch.arange(out.size(1), device=out.device)[None, :] < lengths[:, None]).unsqueeze(-1)
        pooled = (out * mask).sum(1) / lengths[:, None]
        return self.fc(pooled)


def build(batch_size: int, seq_len: int) -> SequenceClassifier:
    return SequenceClassifier(vocab_size=20, emb_dim=6, hidden_dim=8, num_classes=3)
