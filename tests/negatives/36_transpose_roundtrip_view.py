"""Correct: transpose(0, 1) twice restores the original order and strides, so the view
after the round trip is fine; the residual sum is transposed back and reshaped."""
import torch
import torch.nn as nn


class ResidualRNN(nn.Module):
    def __init__(self, dim, seq_len, n_out):
        super().__init__()
        self.lstm = nn.LSTM(dim, dim)  # time-major
        self.head = nn.Linear(seq_len * dim, n_out)

    def forward(self, x):  # (B, T, D)
        B = x.size(0)
        x = x.transpose(0, 1)  # (T, B, D) for the LSTM
        out, _ = self.lstm(x)
        x = (x + out).transpose(0, 1)  # the sum is a fresh (T, B, D) tensor; back to (B, T, D)
        return self.head(x.reshape(B, -1))


def flatten_roundtrip(x):
    x = x.transpose(0, 1).transpose(0, 1)  # back in original order and strides
    return x.view(x.size(0), -1)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = ResidualRNN(dim=4, seq_len=5, n_out=2)
    x = torch.randn(3, 5, 4)
    y = model(x)
    assert y.shape == (3, 2)
    assert torch.allclose(y[1], model(x[1:2])[0], atol=1e-6)
    assert torch.equal(flatten_roundtrip(x)[2], x[2].flatten())
    print(tuple(y.shape))
