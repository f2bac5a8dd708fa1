"""Correct: h_n is (layers*2, B, H) and contiguous; view(layers, 2, B, H) splits only
its first axis, and [-1] picks the top layer's two directions."""
import torch
import torch.nn as nn


class TopLayerState(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers):
        super().__init__()
        self.num_layers, self.hidden_size = num_layers, hidden_size
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)

    def forward(self, x):
        B = x.size(0)
        _, (h_n, _) = self.lstm(x)
        top = h_n.view(self.num_layers, 2, B, self.hidden_size)[-1]  # (2, B, H)
        return torch.cat([top[0], top[1]], dim=-1)  # (B, 2H)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = TopLayerState(input_size=3, hidden_size=4, num_layers=3)
    x = torch.randn(5, 6, 3)
    state = model(x)
    out, (h_n, _) = model.lstm(x)
    assert state.shape == (5, 8)
    assert torch.allclose(state[:, :4], out[:, -1, :4]) and torch.allclose(state[:, 4:], out[:, 0, 4:])
    print(tuple(state.shape))
