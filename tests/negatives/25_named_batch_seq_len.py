"""Correct: variables named batch and seq_len, used in the order the tensor holds them
(batch-first padded input, then a batch-first view of the positions)."""
import torch
import torch.nn as nn


class PositionalEncoder(nn.Module):
    def __init__(self, vocab, dim, max_positions):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_positions, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)

    def forward(self, ids):
        batch, seq_len = ids.size()
        positions = torch.arange(seq_len).repeat(batch).view(batch, seq_len)
        x = self.tok(ids) + self.pos(positions)
        out, _ = self.rnn(x)
        return out


if __name__ == "__main__":
    torch.manual_seed(0)
    model = PositionalEncoder(vocab=30, dim=8, max_positions=16)
    ids = torch.randint(0, 30, (3, 5))
    out = model(ids)
    assert out.shape == (3, 5, 8)
    assert torch.allclose(out[2], model(ids[2:])[0], atol=1e-6)
    print(tuple(out.shape))
