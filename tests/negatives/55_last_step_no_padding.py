"""Correct: out[:, -1] of a unidirectional batch_first LSTM over fixed-length windows
(no padding, no lengths) is each sample's last step."""
import torch
import torch.nn as nn
from jaxtyping import Float
from torch import Tensor


class NextValuePredictor(nn.Module):
    def __init__(self, n_features, hidden):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_features)

    def forward(self, window: Float[Tensor, "batch seq feat"]) -> Float[Tensor, "batch feat"]:
        out, _ = self.lstm(window)
        return self.head(out[:, -1])


if __name__ == "__main__":
    torch.manual_seed(0)
    model = NextValuePredictor(n_features=2, hidden=6)
    window = torch.randn(4, 12, 2)
    pred = model(window)
    _, (h_n, _) = model.lstm(window)
    assert pred.shape == (4, 2)
    assert torch.allclose(pred, model.head(h_n[0]), atol=1e-6)
    print(tuple(pred.shape))
