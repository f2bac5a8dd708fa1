"""Correct: a GRUCell loop over x[:, t]; torch.stack(outputs, dim=1) builds a fresh
contiguous (B, T, H) tensor, so view(B, -1) keeps each sample's steps together."""
import torch
import torch.nn as nn


class UnrolledGRU(nn.Module):
    def __init__(self, input_size, hidden_size, seq_len, n_out):
        super().__init__()
        self.hidden_size = hidden_size
        self.cell = nn.GRUCell(input_size, hidden_size)
        self.readout = nn.Linear(seq_len * hidden_size, n_out)

    def forward(self, x):  # (B, T, input_size)
        bs = x.size(0)
        h = x.new_zeros(bs, self.hidden_size)
        outputs = []
        for t in range(x.size(1)):
            h = self.cell(x[:, t], h)
            outputs.append(h)
        states = torch.stack(outputs, dim=1)  # (B, T, H)
        return self.readout(states.view(bs, -1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = UnrolledGRU(input_size=3, hidden_size=4, seq_len=6, n_out=2)
    x = torch.randn(5, 6, 3)
    y = model(x)
    assert y.shape == (5, 2)
    assert torch.allclose(y[4], model(x[4:])[0], atol=1e-6)
    print(tuple(y.shape))
