import torch
import torch.nn as nn


class UnrolledGRU(nn.Module):
    def __init__(self, n_feat, n_hidden, seq_len, n_out):
        super().__init__()
        self.n_hidden = n_hidden
        self.cell = nn.GRUCell(n_feat, n_hidden)
        # read every time step's state, not just the last one
        self.head = nn.Linear(seq_len * n_hidden, n_out)

    def forward(self, x):
        # x: (batch, seq_len, n_feat) sensor windows
        batch_size, seq_len, _ = x.shape
        x = x.transpose(0, 1)
        h = torch.zeros(batch_size, self.n_hidden)
        outputs = []
        for t in range(seq_len):
            h = self.cell(x[t], h)
            outputs.append(h)
        outputs = torch.stack(outputs)
        flat = outputs.view(batch_size, -1)
        return self.head(flat)
