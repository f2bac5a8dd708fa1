"""Correct: view(B, T, 2, H) only splits the last axis of a batch_first bidirectional
output; splitting never needs contiguity, so this view works on the strided output."""
import torch
import torch.nn as nn


class DirectionSum(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=True)

    def forward(self, x):
        B, T, _ = x.shape
        out, _ = self.lstm(x)  # (B, T, 2H), not contiguous
        directions = out.view(B, T, 2, self.hidden_size)
        return directions[:, :, 0] + directions[:, :, 1]


if __name__ == "__main__":
    torch.manual_seed(0)
    model = DirectionSum(input_size=4, hidden_size=5)
    x = torch.randn(3, 6, 4)
    summed = model(x)
    out, _ = model.lstm(x)
    assert summed.shape == (3, 6, 5)
    assert torch.allclose(summed, out[..., :5] + out[..., 5:])
    print(tuple(summed.shape))
