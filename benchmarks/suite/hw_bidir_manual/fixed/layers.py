import torch
import torch.nn as nn


class ManualBiRNN(nn.Module):
    """Bidirectional RNN written out by hand (assignment 2, part c)."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.fwd_cell = nn.RNNCell(input_size, hidden_size, nonlinearity="tanh")
        self.bwd_cell = nn.RNNCell(input_size, hidden_size, nonlinearity="tanh")

    def forward(self, x):
        # x: [B, T, D]
        B, T, _ = x.shape
        h_f = x.new_zeros(B, self.hidden_size)
        h_b = x.new_zeros(B, self.hidden_size)
        fwd, bwd = [], []
        for t in range(T):
            h_f = self.fwd_cell(x[:, t], h_f)
            fwd.append(h_f)
        for t in reversed(range(T)):
            h_b = self.bwd_cell(x[:, t], h_b)
            bwd.insert(0, h_b)
        fwd = torch.stack(fwd, dim=1)
        bwd = torch.stack(bwd, dim=1)
        return torch.cat([fwd, bwd], dim=-1)  # [B, T, 2H]
