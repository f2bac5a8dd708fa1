"""Correct: h_n[-1] of a unidirectional 2-layer LSTM is the top layer's final state,
(B, H), equal to the last step of the output."""
import torch
import torch.nn as nn
from jaxtyping import Float
from torch import Tensor


class SeriesRegressor(nn.Module):
    def __init__(self, n_features, hidden):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: Float[Tensor, "batch seq feat"]) -> Float[Tensor, "batch 1"]:
        _, (h_n, _) = self.lstm(x)  # (2, batch, hidden)
        return self.head(h_n[-1])


if __name__ == "__main__":
    torch.manual_seed(0)
    model = SeriesRegressor(n_features=3, hidden=6)
    x = torch.randn(5, 9, 3)
    y = model(x)
    out, _ = model.lstm(x)
    assert y.shape == (5, 1)
    assert torch.allclose(y, model.head(out[:, 8]), atol=1e-6)
    print(tuple(y.shape))
