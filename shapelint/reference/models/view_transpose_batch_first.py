"""Fixed: an LSTM built with `batch_first=True` takes the embedding as it comes."""

import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class Tagger(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, hidden_dim: int, num_tags: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, num_tags)

    def forward(self, tokens: Int[Tensor, "batch seq"], lengths: Tensor) -> Float[Tensor, "batch seq tags"]:
        lstm_out, _ = self.lstm(self.embedding(tokens))
        return self.fc(lstm_out)


def build(batch_size: int, seq_len: int) -> Tagger:
    return Tagger(vocab_size=20, emb_dim=6, hidden_dim=8, num_tags=5)
