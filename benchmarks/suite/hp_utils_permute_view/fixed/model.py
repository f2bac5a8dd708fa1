import torch.nn as nn

from utils import to_time_major


class ProjectedLSTM(nn.Module):
    def __init__(self, vocab, emb_dim, proj_dim, hidden, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb_dim)
        self.proj = nn.Linear(emb_dim, proj_dim)
        self.lstm = nn.LSTM(proj_dim, hidden)
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, tokens):
        x = to_time_major(self.embedding(tokens))
        seq_len, bsz, _ = x.size()
        x = self.proj(x.reshape(seq_len * bsz, -1)).relu()
        x = x.view(seq_len, bsz, -1)
        _, (h, _) = self.lstm(x)
        return self.out(h[-1])
