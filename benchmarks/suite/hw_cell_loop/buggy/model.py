import torch
import torch.nn as nn


class LSTMCellEncoder(nn.Module):
    """Unrolled LSTM so we can add zoneout later."""

    def __init__(self, vocab_size, emb_dim, hidden_size, num_classes):
        super().__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.cell = nn.LSTMCell(emb_dim, hidden_size)
        self.classifier = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens):
        x = self.embedding(tokens)  # (batch, seq, emb)
        h = x.new_zeros(x.size(0), self.hidden_size)
        c = x.new_zeros(x.size(0), self.hidden_size)
        for t in range(x.size(1)):
            h, c = self.cell(x[t], (h, c))
        return self.classifier(h)
