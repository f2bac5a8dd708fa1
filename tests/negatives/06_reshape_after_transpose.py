"""Correct: reshape after transpose copies when it must; batch is in front first."""
import torch
import torch.nn as nn


class Summariser(nn.Module):
    def __init__(self, in_dim, hidden, steps, out_dim):
        super().__init__()
        self.gru = nn.GRU(in_dim, hidden, batch_first=False)
        self.head = nn.Linear(steps * hidden, out_dim)

    def forward(self, x):  # (T, B, in_dim)
        out, _ = self.gru(x)
        bsz = out.size(1)
        return self.head(out.transpose(0, 1).reshape(bsz, -1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = Summariser(in_dim=4, hidden=5, steps=6, out_dim=2)
    x = torch.randn(6, 3, 4)
    y = model(x)
    assert y.shape == (3, 2)
    assert torch.allclose(y[0], model(x[:, :1])[0], atol=1e-6)
    print(tuple(y.shape))
