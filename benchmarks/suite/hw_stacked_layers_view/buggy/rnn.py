import torch
import torch.nn as nn


class ElmanLayer(nn.Module):
    def __init__(self, n_in, n_hid):
        super().__init__()
        self.n_hid = n_hid
        self.W_xh = nn.Linear(n_in, n_hid)
        self.W_hh = nn.Linear(n_hid, n_hid, bias=False)

    def forward(self, x):
        # x is seq-first: (seq_len, batch, n_in)
        h = torch.zeros(x.size(1), self.n_hid)
        hs = []
        for x_t in x:
            h = torch.tanh(self.W_xh(x_t) + self.W_hh(h))
            hs.append(h)
        return torch.stack(hs, dim=1)  # (batch, seq_len, n_hid)


class DeepElman(nn.Module):
    def __init__(self, n_in, n_hid, n_out):
        super().__init__()
        self.l1 = ElmanLayer(n_in, n_hid)
        self.l2 = ElmanLayer(n_hid, n_hid)
        self.fc = nn.Linear(n_hid, n_out)

    def forward(self, x):
        h1 = self.l1(x)
        h2 = self.l2(h1.view(h1.size(1), h1.size(0), -1))
        return self.fc(h2)  # (batch, seq_len, n_out)
