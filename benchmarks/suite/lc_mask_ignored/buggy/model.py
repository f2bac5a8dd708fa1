import torch
import torch.nn as nn


class AttentivePooling(nn.Module):
    def __init__(self, vocab_size, emb_dim, hid_dim, n_out):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hid_dim, batch_first=True)
        self.W = nn.Linear(hid_dim, hid_dim)
        self.v = nn.Linear(hid_dim, 1, bias=False)
        self.out = nn.Linear(hid_dim, n_out)

    def forward(self, x, mask):
        # x: (B, T) token ids, mask: (B, T) bool, True on real tokens
        h, _ = self.rnn(self.embedding(x))
        scores = self.v(torch.tanh(self.W(h))).squeeze(-1)
        weights = torch.softmax(scores, dim=-1)
        ctx = (weights.unsqueeze(-1) * h).sum(dim=1)
        return self.out(ctx)
