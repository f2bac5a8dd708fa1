"""Correct: batch_first=True given positionally (input, hidden, layers, bias,
batch_first); out[:, -1, :] and reshape(B, -1) then index batch first."""
import torch
import torch.nn as nn


class PositionalArgsLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, seq_len):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, 1, True, True)
        self.last = nn.Linear(hidden_size, 1)
        self.all_steps = nn.Linear(seq_len * hidden_size, 1)

    def forward(self, x):  # (B, T, input_size)
        B = x.size(0)
        out, _ = self.lstm(x)
        return self.last(out[:, -1, :]) + self.all_steps(out.reshape(B, -1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = PositionalArgsLSTM(input_size=3, hidden_size=4, seq_len=5)
    assert model.lstm.batch_first
    x = torch.randn(6, 5, 3)
    y = model(x)
    assert y.shape == (6, 1)
    assert torch.allclose(y[2:3], model(x[2:3]), atol=1e-6)
    print(tuple(y.shape))
