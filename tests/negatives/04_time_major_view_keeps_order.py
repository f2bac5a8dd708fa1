"""Correct: the input is already time-major (T, B, E); view(T, B, -1) is the identity
here, and view(seq_len, batch_size, ...) merges only trailing feature axes."""
import torch
import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class FrameEncoder(nn.Module):
    def __init__(self, vocab, emb_dim, n_feats, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb_dim)
        self.rnn = nn.GRU(emb_dim + n_feats * 2, hidden)

    def forward(self, tokens: Int[Tensor, "seq batch"], feats: Float[Tensor, "seq batch f 2"]):
        seq_len, batch_size = tokens.shape
        embedded = self.embedding(tokens).view(seq_len, batch_size, -1)
        flat_feats = feats.view(seq_len, batch_size, -1)  # (T, B, f*2)
        out, h_n = self.rnn(torch.cat([embedded, flat_feats], dim=2))
        return out


if __name__ == "__main__":
    torch.manual_seed(0)
    model = FrameEncoder(vocab=20, emb_dim=6, n_feats=3, hidden=8)
    tokens, feats = torch.randint(0, 20, (5, 4)), torch.randn(5, 4, 3, 2)
    out = model(tokens, feats)
    assert out.shape == (5, 4, 8)
    assert torch.allclose(out[:, 3], model(tokens[:, 3:], feats[:, 3:])[:, 0], atol=1e-6)
    print(tuple(out.shape))
