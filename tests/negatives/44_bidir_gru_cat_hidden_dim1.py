"""Correct: a 1-layer bidirectional GRU's h_n is (2, B, H); torch.cat([h_n[-2], h_n[-1]], 1)
joins the forward and backward final states of each sample into (B, 2H)."""
import torch
import torch.nn as nn
from jaxtyping import Float
from torch import Tensor


class BiGRUEncoder(nn.Module):
    def __init__(self, emb_dim, hidden, n_classes):
        super().__init__()
        self.gru = nn.GRU(emb_dim, hidden, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, x: Float[Tensor, "seq batch emb"]) -> Float[Tensor, "batch classes"]:
        out, h_n = self.gru(x)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], 1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = BiGRUEncoder(emb_dim=4, hidden=5, n_classes=3)
    x = torch.randn(7, 3, 4)
    y = model(x)
    out, _ = model.gru(x)
    assert y.shape == (3, 3)
    assert torch.allclose(y, model.fc(torch.cat([out[-1, :, :5], out[0, :, 5:]], 1)), atol=1e-6)
    print(tuple(y.shape))
