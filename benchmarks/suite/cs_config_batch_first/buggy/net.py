import torch.nn as nn


class GRUTagger(nn.Module):
    def __init__(self, vocab, emb_dim, hidden, n_tags, batch_first):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb_dim)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=batch_first)
        self.proj = nn.Linear(hidden, n_tags)

    def forward(self, tokens):
        out, _ = self.gru(self.emb(tokens))
        return self.proj(out)
