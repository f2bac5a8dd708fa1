"""Correct: a time-major 2-layer LSTM's h_n and c_n are (2, B, H); transpose(0, 1) puts
batch first and reshape(B, -1) concatenates each sample's layers."""
import torch
import torch.nn as nn
from jaxtyping import Float
from torch import Tensor


class StateBridge(nn.Module):
    def __init__(self, emb_dim, hidden, dec_hidden):
        super().__init__()
        self.lstm = nn.LSTM(emb_dim, hidden, num_layers=2)
        self.bridge = nn.Linear(4 * hidden, dec_hidden)  # h and c of both layers

    def forward(self, src: Float[Tensor, "seq batch emb"]) -> Float[Tensor, "batch dec"]:
        B = src.size(1)
        _, (h_n, c_n) = self.lstm(src)
        h = h_n.transpose(0, 1).reshape(B, -1)
        c = c_n.transpose(0, 1).reshape(B, -1)
        return torch.tanh(self.bridge(torch.cat([h, c], dim=1)))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = StateBridge(emb_dim=4, hidden=6, dec_hidden=8)
    src = torch.randn(5, 3, 4)
    init = model(src)
    assert init.shape == (3, 8)
    assert torch.allclose(init[1], model(src[:, 1:2])[0], atol=1e-6)
    print(tuple(init.shape))
