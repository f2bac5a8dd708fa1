import torch.nn as nn


class RNNRegressor(nn.Module):
    def __init__(self, n_features, hidden, seq_len, n_out=1, batch_first=False):
        super().__init__()
        self.rnn = nn.GRU(n_features, hidden, batch_first=batch_first)
        self.head = nn.Sequential(nn.Linear(seq_len * hidden, 16), nn.ReLU(), nn.Linear(16, n_out))

    def forward(self, x):
        out, _ = self.rnn(x)
        out = out.reshape(out.size(1), -1)  # (batch, seq_len * hidden)
        return self.head(out)
