"""Correct: view(T, B, E) right after transpose(0, 1) asks for the shape the tensor
already has, so nothing merges and the non-contiguous view works."""
import torch
import torch.nn as nn


class TimeMajorAdapter(nn.Module):
    def __init__(self, emb_dim, hidden):
        super().__init__()
        self.emb_dim = emb_dim
        self.lstm = nn.LSTM(emb_dim, hidden)

    def forward(self, x):  # x: (B, T, E)
        B, T = x.size(0), x.size(1)
        x = x.transpose(0, 1).view(T, B, self.emb_dim)
        out, _ = self.lstm(x)
        return out  # (T, B, H)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = TimeMajorAdapter(emb_dim=5, hidden=7)
    x = torch.randn(3, 4, 5)
    out = model(x)
    assert out.shape == (4, 3, 7)
    assert torch.allclose(out[:, 2], model(x[2:])[:, 0], atol=1e-6)
    print(tuple(out.shape))
