"""Correct: the time-major output of a one-step GRU is (1, B, H); squeeze(0) drops the
length-one time axis and leaves (B, H)."""
import torch
import torch.nn as nn


class GreedyDecoder(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.gru = nn.GRU(dim, dim)
        self.proj = nn.Linear(dim, vocab)

    def forward(self, start, hidden, steps):
        token, outputs = start, []
        for _ in range(steps):
            out, hidden = self.gru(self.embedding(token).unsqueeze(0), hidden)
            logits = self.proj(out.squeeze(0))  # (B, vocab)
            token = logits.argmax(-1)
            outputs.append(token)
        return torch.stack(outputs, dim=1)  # (B, steps)


if __name__ == "__main__":
    torch.manual_seed(0)
    decoder = GreedyDecoder(vocab=12, dim=6)
    start, hidden = torch.zeros(3, dtype=torch.long), torch.randn(1, 3, 6)
    seq = decoder(start, hidden, steps=5)
    assert seq.shape == (3, 5)
    assert torch.equal(seq[1:2], decoder(start[1:2], hidden[:, 1:2], steps=5))
    print(tuple(seq.shape))
