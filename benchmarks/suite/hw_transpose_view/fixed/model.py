import torch
import torch.nn as nn


class PeepholeRNN(nn.Module):
    def __init__(self, vocab, emb, hidden):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(vocab, emb)
        self.ih = nn.Linear(emb, hidden)
        self.hh = nn.Linear(hidden, hidden)
        self.fc = nn.Linear(hidden, vocab)

    def step(self, x_t, h):
        return torch.tanh(self.ih(x_t) + self.hh(h))

    def forward(self, src):
        emb = self.embed(src).transpose(0, 1)  # time first for the loop
        h = emb.new_zeros(emb.size(1), self.hidden)
        outs = []
        for t in range(emb.size(0)):
            h = self.step(emb[t], h)
            outs.append(h)
        outs = torch.stack(outs).transpose(0, 1)  # back to (batch, seq, hidden)
        logits = self.fc(outs.reshape(-1, self.hidden))
        return logits.view(src.size(0), src.size(1), -1)
