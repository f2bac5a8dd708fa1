"""Correct: time-major output pooled with mean(0) over the time axis, concatenated with
h_n.squeeze(0); nothing is flattened across time and batch."""
import torch
import torch.nn as nn


class PooledClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.gru = nn.GRU(emb_dim, hidden)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, text):  # (seq_len, batch)
        out, h_n = self.gru(self.embedding(text))  # (T, B, H), (1, B, H)
        features = torch.cat([out.mean(0), h_n.squeeze(0)], dim=1)
        return self.fc(features)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = PooledClassifier(vocab_size=40, emb_dim=6, hidden=8, n_classes=3)
    text = torch.randint(0, 40, (9, 4))
    logits = model(text)
    assert logits.shape == (4, 3)
    assert torch.allclose(logits[3], model(text[:, 3:])[0], atol=1e-6)
    print(tuple(logits.shape))
