"""Correct: GRU encoder-decoder; the encoder is batch_first, its final state (1, B, H)
seeds a batch_first decoder fed one (B, 1, E) step at a time."""
import torch
import torch.nn as nn


class Seq2Seq(nn.Module):
    def __init__(self, src_vocab, tgt_vocab, emb, hid):
        super().__init__()
        self.src_emb, self.tgt_emb = nn.Embedding(src_vocab, emb), nn.Embedding(tgt_vocab, emb)
        self.encoder = nn.GRU(emb, hid, batch_first=True)
        self.decoder = nn.GRU(emb, hid, batch_first=True)
        self.generator = nn.Linear(hid, tgt_vocab)

    def forward(self, src, tgt):  # src: (B, S), tgt: (B, T), teacher forcing
        _, hidden = self.encoder(self.src_emb(src))
        logits = []
        for t in range(tgt.size(1)):
            step = self.tgt_emb(tgt[:, t]).unsqueeze(1)  # (B, 1, E)
            out, hidden = self.decoder(step, hidden)
            logits.append(self.generator(out[:, 0]))
        return torch.stack(logits, dim=1)  # (B, T, vocab)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = Seq2Seq(src_vocab=20, tgt_vocab=18, emb=6, hid=9)
    src, tgt = torch.randint(0, 20, (3, 7)), torch.randint(0, 18, (3, 4))
    logits = model(src, tgt)
    assert logits.shape == (3, 4, 18)
    assert torch.allclose(logits[1], model(src[1:2], tgt[1:2])[0], atol=1e-6)
    print(tuple(logits.shape))
