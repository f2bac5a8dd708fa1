"""Correct: x.view(B, -1) of a contiguous batch-first (B, T, E) embedding: batch is the
leading axis, so each row is one sample."""
import torch
import torch.nn as nn


class BagOfPositions(nn.Module):
    def __init__(self, vocab_size, emb_dim, max_len, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.fc = nn.Linear(max_len * emb_dim, n_classes)

    def forward(self, tokens):  # (B, T)
        B = tokens.size(0)
        x = self.embedding(tokens)  # (B, T, E), contiguous
        return self.fc(x.view(B, -1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = BagOfPositions(vocab_size=30, emb_dim=4, max_len=7, n_classes=3)
    tokens = torch.randint(0, 30, (5, 7))
    logits = model(tokens)
    assert logits.shape == (5, 3)
    assert torch.allclose(logits[4], model(tokens[4:])[0], atol=1e-6)
    print(tuple(logits.shape))
