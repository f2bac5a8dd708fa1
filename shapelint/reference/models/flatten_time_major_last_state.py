"""Fixed: classify from the last layer's final state of a packed run, `h_n[-1]`: one row
per sample, and packing makes it the state after each sample's last real token."""

import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor
from torch.nn.utils.rnn import pack_padded_sequence


class SequenceClassifier(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, hidden_dim: int, num_classes: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim)
        self.fc = nn.Linear(hidden_dim, num_classes)

    def forward(self, tokens: Int[Tensor, "batch seq"], lengths: Tensor) -> Float[Tensor, "batch classes"]:
        embeds = self.embedding(tokens).transpose(0, 1)  # (seq, batch, emb)
        packed = pack_padded_sequence(embeds, lengths.cpu(), enforce_sorted=False)
        out, (h_n, c_n) = self.lstm(packed)
        return self.fc(h_n[-1])


def build(batch_size: int, seq_len: int) -> SequenceClassifier:
    return SequenceClassifier(vocab_size=20, emb_dim=6, hidden_dim=8, num_classes=3)
