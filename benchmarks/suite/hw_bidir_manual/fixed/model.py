import torch
import torch.nn as nn

from layers import ManualBiRNN


class SentenceClassifier(nn.Module):
    def __init__(self, vocab, dim=8, hidden=6, classes=2):
        super().__init__()
        self.hidden = hidden
        self.emb = nn.Embedding(vocab, dim)
        self.birnn = ManualBiRNN(dim, hidden)
        self.out = nn.Linear(2 * hidden, classes)

    def encode(self, tokens):
        states = self.birnn(self.emb(tokens))
        summary = torch.cat([states[:, -1, :self.hidden], states[:, 0, self.hidden:]], dim=-1)
        return summary

    def forward(self, tokens):
        return self.out(self.encode(tokens))
