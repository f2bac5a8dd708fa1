"""Correct: out[:, -1] on a batch_first output is each sample's last time step."""
import torch
import torch.nn as nn


class Forecaster(nn.Module):
    def __init__(self, n_features, hidden, horizon):
        super().__init__()
        self.rnn = nn.LSTM(n_features, hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])  # (B, horizon)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = Forecaster(n_features=2, hidden=8, horizon=3).eval()
    x = torch.randn(4, 10, 2)
    y = model(x)
    _, (h_n, _) = model.rnn(x)
    assert y.shape == (4, 3)
    assert torch.allclose(y, model.head(h_n[-1]), atol=1e-6)
    print(tuple(y.shape))
