"""Correct: max pooling over time after pad_packed_sequence(..., padding_value=-inf):
padded steps can never win the max, so each sample pools its valid steps only."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class MaxPoolEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)

    def forward(self, tokens, seq_lengths):
        packed = pack_padded_sequence(self.embedding(tokens), seq_lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        padded, _ = pad_packed_sequence(out, batch_first=True, padding_value=float('-inf'))
        return padded.max(dim=1).values  # (B, 2H)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = MaxPoolEncoder(vocab_size=30, emb_dim=6, hidden=4)
    seq_lengths = torch.tensor([5, 2, 8])
    tokens = torch.randint(1, 30, (3, 8)) * (torch.arange(8) < seq_lengths[:, None])
    pooled = model(tokens, seq_lengths)
    assert pooled.shape == (3, 8) and torch.isfinite(pooled).all()
    assert torch.allclose(pooled[1], model(tokens[1:2, :2], seq_lengths[1:2])[0], atol=1e-6)
    print(tuple(pooled.shape))
