import torch
import torch.nn as nn


class TextRNN(nn.Module):
    n_layers = 2
    hidden_size = 10
    emb_size = 8

    def __init__(self, vocab, n_out):
        super().__init__()
        self.emb = nn.Embedding(vocab, self.emb_size)
        self.rnn = nn.LSTM(self.emb_size, self.hidden_size, self.n_layers, batch_first=True)
        # use the top states of all layers
        self.out = nn.Linear(self.n_layers * self.hidden_size, n_out)

    def forward(self, x):
        bs = x.size(0)
        _, (h_n, _) = self.rnn(self.emb(x))
        feats = h_n.transpose(0, 1).reshape(bs, -1)
        return self.out(feats)
