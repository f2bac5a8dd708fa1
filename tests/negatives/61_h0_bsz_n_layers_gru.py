"""Correct: a learned initial state expanded to (n_layers, bsz, hidden) after
torch.zeros(n_layers, bsz, hidden): layers first, batch second, as nn.GRU expects."""
import torch
import torch.nn as nn


class LearnedInitGRU(nn.Module):
    def __init__(self, input_size, hidden):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(input_size, hidden, num_layers=3, batch_first=True)
        self.h_init = nn.Parameter(torch.randn(3, 1, hidden))

    def forward(self, x):  # (bsz, T, input_size)
        n_layers, bsz = 3, x.size(0)
        h0 = torch.zeros(n_layers, bsz, self.hidden) + self.h_init  # (n_layers, bsz, hidden)
        out, h_n = self.gru(x, h0)
        return out


if __name__ == "__main__":
    torch.manual_seed(0)
    model = LearnedInitGRU(input_size=3, hidden=4)
    x = torch.randn(3, 5, 3)  # bsz == n_layers: the layout still matters
    out = model(x)
    assert out.shape == (3, 5, 4)
    assert torch.allclose(out[1], model(x[1:2])[0], atol=1e-6)
    print(tuple(out.shape))
