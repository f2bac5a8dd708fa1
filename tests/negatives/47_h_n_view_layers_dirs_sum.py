"""Correct: h_n.view(num_layers, 2, B, H) only splits h_n's first axis into (layer,
direction); [-1] is the top layer and sum(0) adds its two directions per sample."""
import torch
import torch.nn as nn


class DirectionSumState(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.gru = nn.GRU(input_size, hidden_size, num_layers=3, bidirectional=True)

    def forward(self, x):  # (T, B, input_size)
        num_layers, B, H = 3, x.size(1), self.hidden_size
        _, h_n = self.gru(x)
        top = h_n.view(num_layers, 2, B, H)[-1]  # (2, B, H)
        return top.sum(0)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = DirectionSumState(input_size=4, hidden_size=5)
    x = torch.randn(6, 3, 4)
    state = model(x)
    out, _ = model.gru(x)
    assert state.shape == (3, 5)
    assert torch.allclose(state, out[-1, :, :5] + out[0, :, 5:], atol=1e-6)
    print(tuple(state.shape))
