"""Correct: the initial state of a 2-layer bidirectional LSTM is built as
torch.zeros(self.num_layers * 2, batch_size, H), the layout nn.LSTM expects."""
import torch
import torch.nn as nn


class BiEncoder(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.num_layers, self.hidden_size = 2, hidden_size
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x):  # (B, T, input_size)
        batch_size = x.size(0)
        h0 = torch.zeros(self.num_layers * 2, batch_size, self.hidden_size)
        c0 = torch.zeros(self.num_layers * 2, batch_size, self.hidden_size)
        out, _ = self.lstm(x, (h0, c0))
        return out


if __name__ == "__main__":
    torch.manual_seed(0)
    model = BiEncoder(input_size=3, hidden_size=4)
    x = torch.randn(5, 6, 3)
    out = model(x)
    assert out.shape == (5, 6, 8)
    assert torch.allclose(out, model.lstm(x)[0]) and torch.allclose(out[3], model(x[3:4])[0], atol=1e-6)
    print(tuple(out.shape))
