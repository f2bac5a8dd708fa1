"""Buggy: the seed's context window with only the crash repaired (`reshape` for `view`).
The pack still says `batch_first=False` of a batch-first tensor: it raises when the batch
differs from the number of windows, and silently packs windows as samples when they agree."""

import torch
import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class ContextLSTM(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, context_size: int, hidden_dim: int, num_classes: int) -> None:
        super().__init__()
        self.context_size, self.hidden_dim = context_size, hidden_dim
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(context_size * emb_dim, hidden_dim)
        self.fc = nn.Linear(hidden_dim, num_classes)

    def forward(self, tokens: Int[Tensor, "batch seq"], seq_lengths: Tensor) -> Float[Tensor, "batch classes"]:
        context_size = self.context_size
        embeds = self.embedding(tokens)
        embeds = embeds.unfold(1, context_size, 1)  # (batch, windows, emb, context)
        embeds = embeds.reshape(embeds.size(0), embeds.size(1), -1)
        lstm_input = nn.utils.rnn.pack_padded_sequence(
            embeds, [x - context_size + 1 for x in seq_lengths], batch_first=False
        )
        h_t = torch.zeros(1, tokens.size(0), self.hidden_dim, device=tokens.device)
        h_c = torch.zeros(1, tokens.size(0), self.hidden_dim, device=tokens.device)
        lstm_outs, (h_t, h_c) = self.lstm(lstm_input, (h_t, h_c))
        return self.fc(h_t[-1])


def build(batch_size: int, seq_len: int) -> ContextLSTM:
    return ContextLSTM(vocab_size=20, emb_dim=4, context_size=2, hidden_dim=8, num_classes=3)
