"""Correct: a bidirectional GRU written by hand, batch-first throughout. The backward outputs are put
back in time order (three ways), the steps are stacked on axis 1, and the result is used batch-first:
flattened per sample, its last step read, and fed to an nn.LSTM built with batch_first=True."""
import torch
import torch.nn as nn


class HandBiGRU(nn.Module):
    def __init__(self, emb, hidden, steps):
        super().__init__()
        self.fwd = nn.GRUCell(emb, hidden)
        self.bwd = nn.GRUCell(emb, hidden)
        self.hidden = hidden
        self.top = nn.LSTM(2 * hidden, hidden, batch_first=True)
        self.flat = nn.Linear(steps * 2 * hidden, 2)

    def forward(self, x):  # (batch, time, emb)
        batch_size, seq_len, _ = x.shape
        h_f = x.new_zeros(batch_size, self.hidden)
        h_b = x.new_zeros(batch_size, self.hidden)
        outs_f, outs_b, ins_b = [], [], []
        for t in range(seq_len):
            h_f = self.fwd(x[:, t], h_f)
            outs_f.append(h_f)
        for t in reversed(range(seq_len)):
            h_b = self.bwd(x[:, t], h_b)
            outs_b.append(h_b)
            ins_b.insert(0, h_b)
        fw = torch.stack(outs_f, dim=1)
        one = torch.cat([fw, torch.stack(outs_b[::-1], dim=1)], dim=2)
        two = torch.cat([fw, torch.stack(ins_b, dim=1)], dim=2)
        outs_b.reverse()
        three = torch.cat([fw, torch.stack(outs_b, dim=1)], dim=2)
        top, _ = self.top(one + two + three)
        return self.flat(one.view(batch_size, -1)), top[:, -1], torch.cat([one[:, -1, : self.hidden], one[:, 0, self.hidden :]], 1)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = HandBiGRU(emb=3, hidden=4, steps=6)
    x = torch.randn(5, 6, 3)
    flat, last, summary = model(x)
    assert flat.shape == (5, 2) and last.shape == (5, 4) and summary.shape == (5, 8)
    assert torch.allclose(flat[4], model(x[4:])[0][0], atol=1e-6)
    print(tuple(flat.shape), tuple(last.shape))
