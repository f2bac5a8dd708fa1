"""Correct: an attention decoder stepping one token at a time with a GRU cell, teacher-forced from a
batch-first target, while the source lengths are in scope (the attention masks the padding). Its
per-step outputs are collected two ways, a list stacked on axis 1 and a preallocated (batch, time,
vocab) buffer written at [:, t]; neither is a run over padding, and the last step is `[:, -1]`."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class AttnDecoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hid_dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.cell = nn.GRUCell(emb_dim + hid_dim, hid_dim)
        self.out = nn.Linear(hid_dim, vocab_size)
        self.vocab_size = vocab_size

    def forward(self, trg, hidden, enc_out, lengths):
        # trg: (batch, trg_len); enc_out: (batch, src_len, hid); lengths: (batch,)
        batch_size, max_len = trg.size()
        mask = torch.arange(enc_out.size(1))[None, :] < lengths[:, None]
        outputs = []
        buffer = torch.zeros(batch_size, max_len, self.vocab_size)
        inp = trg[:, 0]
        for t in range(1, max_len):
            scores = torch.bmm(enc_out, hidden.unsqueeze(2)).squeeze(2)
            weights = F.softmax(scores.masked_fill(~mask, -1e9), dim=1)
            context = torch.bmm(weights.unsqueeze(1), enc_out).squeeze(1)
            hidden = self.cell(torch.cat([self.embedding(inp), context], dim=1), hidden)
            logits = self.out(hidden)
            outputs.append(logits)
            buffer[:, t] = logits
            inp = trg[:, t]
        stacked = torch.stack(outputs, dim=1)
        return stacked, stacked[:, -1], buffer.max(1)[0]


if __name__ == "__main__":
    torch.manual_seed(0)
    model = AttnDecoder(vocab_size=11, emb_dim=3, hid_dim=4)
    trg = torch.randint(0, 11, (5, 6))
    enc_out = torch.randn(5, 7, 4)
    lengths = torch.tensor([7, 6, 5, 4, 3])
    stacked, last, best = model(trg, torch.zeros(5, 4), enc_out, lengths)
    assert stacked.shape == (5, 5, 11) and last.shape == (5, 11) and best.shape == (5, 11)
    print(tuple(stacked.shape))
