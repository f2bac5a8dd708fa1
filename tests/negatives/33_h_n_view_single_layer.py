"""Correct: h_n of a 1-layer unidirectional LSTM is (1, B, H); view(B, -1) only drops
the size-1 layer axis (with more layers or directions this would mix samples)."""
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hidden, num_layers=1)

    def forward(self, src):  # (T, B)
        B = src.size(1)
        _, (h_n, c_n) = self.lstm(self.embedding(src))
        return h_n.view(B, -1), c_n.view(B, -1)


if __name__ == "__main__":
    torch.manual_seed(0)
    enc = Encoder(vocab_size=30, emb_dim=6, hidden=7)
    src = torch.randint(0, 30, (5, 4))
    h, c = enc(src)
    out, _ = enc.lstm(enc.embedding(src))
    assert h.shape == (4, 7) and torch.allclose(h, out[-1])
    print(tuple(h.shape))
