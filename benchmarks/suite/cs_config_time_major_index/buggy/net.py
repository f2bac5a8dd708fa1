import torch.nn as nn


class SeqClassifier(nn.Module):
    def __init__(self, n_vocab, n_emb, n_hidden, n_class, batch_first=True):
        super().__init__()
        self.batch_first = batch_first
        self.emb = nn.Embedding(n_vocab, n_emb)
        self.rnn = nn.LSTM(n_emb, n_hidden, batch_first=batch_first)
        self.cls = nn.Linear(n_hidden, n_class)

    def forward(self, tokens):
        # tokens: (batch, time) from the loader
        x = self.emb(tokens)
        if not self.batch_first:
            x = x.transpose(0, 1)
        out, _ = self.rnn(x)
        last = out[:, -1]
        return self.cls(last)
