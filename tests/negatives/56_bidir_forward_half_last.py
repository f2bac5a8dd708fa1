"""Correct: in a bidirectional batch_first output, out[:, -1, :H] is the forward
direction's last step and out[:, 0, H:] the backward direction's; both are final states."""
import torch
import torch.nn as nn


class BiSummary(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.lstm = nn.LSTM(input_size, hidden_size, bidirectional=True, batch_first=True)

    def forward(self, x):  # (B, T, input_size)
        H = self.hidden_size
        out, _ = self.lstm(x)
        forward_last = out[:, -1, :H]
        backward_last = out[:, 0, H:]
        return forward_last + backward_last


if __name__ == "__main__":
    torch.manual_seed(0)
    model = BiSummary(input_size=3, hidden_size=5)
    x = torch.randn(4, 7, 3)
    summary = model(x)
    _, (h_n, _) = model.lstm(x)
    assert summary.shape == (4, 5)
    assert torch.allclose(summary, h_n[0] + h_n[1], atol=1e-6)
    print(tuple(summary.shape))
