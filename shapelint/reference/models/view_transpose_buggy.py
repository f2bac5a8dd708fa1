"""Buggy: the seed question's `embeds.view(len(sentence), self.batch_size, -1)` on a
batch-first embedding. A view re-cuts memory, it does not transpose: every LSTM step
mixes tokens of different samples. With batch == seq the shapes even look right."""

import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class Tagger(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, hidden_dim: int, num_tags: int, batch_size: int) -> None:
        super().__init__()
        self.batch_size = batch_size
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim)  # time-major: (seq, batch, emb)
        self.fc = nn.Linear(hidden_dim, num_tags)

    def forward(self, tokens: Int[Tensor, "batch seq"], lengths: Tensor) -> Float[Tensor, "batch seq tags"]:
        sentence = tokens[0]  # rows are padded to one length
        embeds = self.embedding(tokens)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), self.batch_size, -1))
        tag_space = self.fc(lstm_out)  # (seq, batch, tags)
        return tag_space.transpose(0, 1)


def build(batch_size: int, seq_len: int) -> Tagger:
    return Tagger(vocab_size=20, emb_dim=6, hidden_dim=8, num_tags=5, batch_size=batch_size)
