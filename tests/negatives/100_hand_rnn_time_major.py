"""Correct: an LSTM cell stepped by hand over a time-major input; the steps stacked on axis 0 stay
time-major and are used so: the last step is `out[-1]`, a flatten per sample transposes first, and
a second layer is an nn.LSTM with the default (time-major) layout."""
import torch
import torch.nn as nn


class TimeMajorCellLayer(nn.Module):
    def __init__(self, emb, hidden, steps):
        super().__init__()
        self.cell = nn.LSTMCell(emb, hidden)
        self.hidden = hidden
        self.top = nn.LSTM(hidden, hidden)
        self.flat = nn.Linear(steps * hidden, 2)

    def forward(self, x):  # (time, batch, emb)
        seq_len, batch_size, _ = x.size()
        h = torch.zeros(batch_size, self.hidden)
        c = torch.zeros(batch_size, self.hidden)
        outs = []
        for t in range(seq_len):
            h, c = self.cell(x[t], (h, c))
            outs += [h]
        out = torch.stack(outs)
        top, _ = self.top(out)
        flat = out.transpose(0, 1).reshape(batch_size, -1)
        return self.flat(flat), out[-1], top[-1]


if __name__ == "__main__":
    torch.manual_seed(0)
    model = TimeMajorCellLayer(emb=3, hidden=4, steps=6)
    x = torch.randn(6, 5, 3)
    flat, last, top = model(x)
    assert flat.shape == (5, 2) and last.shape == (5, 4) and top.shape == (5, 4)
    assert torch.allclose(flat[4], model(x[:, 4:])[0][0], atol=1e-6)
    print(tuple(flat.shape))
