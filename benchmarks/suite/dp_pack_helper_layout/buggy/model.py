import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class Encoder(nn.Module):
    def __init__(self, vocab, emb_dim, hid):
        super(Encoder, self).__init__()
        self.embed = nn.Embedding(vocab, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hid)
        self.out = nn.Linear(hid, 2)

    def forward(self, src, src_len):
        embedded = self.embed(src)
        packed = pack_padded_sequence(embedded, src_len, enforce_sorted=False)
        _, hidden = self.rnn(packed)
        return self.out(hidden[-1])
