"""Fixed: `transpose(0, 1)` turns the batch-first embedding time-major, as the LSTM
(batch_first=False) wants it."""

import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class Tagger(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, hidden_dim: int, num_tags: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim)  # time-major: (seq, batch, emb)
        self.fc = nn.Linear(hidden_dim, num_tags)

    def forward(self, tokens: Int[Tensor, "batch seq"], lengths: Tensor) -> Float[Tensor, "batch seq tags"]:
        embeds = self.embedding(tokens)
        lstm_out, _ = self.lstm(embeds.transpose(0, 1))
        tag_space = self.fc(lstm_out)  # (seq, batch, tags)
        return tag_space.transpose(0, 1)


def build(batch_size: int, seq_len: int) -> Tagger:
    return Tagger(vocab_size=20, emb_dim=6, hidden_dim=8, num_tags=5)
