"""Correct: reshape(B, -1) of a batch_first GRU output: batch is already in front, and
reshape copies the non-contiguous output instead of raising."""
import torch
import torch.nn as nn


class FixedLengthRegressor(nn.Module):
    def __init__(self, n_features, hidden, window):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.regressor = nn.Sequential(nn.Linear(window * hidden, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, series):  # (B, window, n_features)
        batch_size = series.size(0)
        out, _ = self.gru(series)
        return self.regressor(out.reshape(batch_size, -1)).squeeze(-1)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = FixedLengthRegressor(n_features=3, hidden=8, window=12)
    series = torch.randn(5, 12, 3)
    pred = model(series)
    assert pred.shape == (5,)
    assert torch.allclose(pred[3:], model(series[3:]), atol=1e-6)
    print(tuple(pred.shape))
