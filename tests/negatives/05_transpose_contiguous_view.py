"""Correct: transpose to batch-first, make it contiguous, then view(B, -1): each row is
one sample's time steps."""
import torch
import torch.nn as nn


class SentenceClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, max_len, n_classes):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hidden_dim)
        self.fc = nn.Linear(max_len * hidden_dim, n_classes)

    def forward(self, x):  # x: (max_len, B)
        B = x.size(1)
        out, _ = self.lstm(self.emb(x))  # (T, B, H)
        out = out.transpose(0, 1).contiguous().view(B, -1)
        return self.fc(out)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = SentenceClassifier(vocab_size=50, emb_dim=8, hidden_dim=6, max_len=5, n_classes=3)
    x = torch.randint(0, 50, (5, 4))
    logits = model(x)
    assert logits.shape == (4, 3)
    assert torch.allclose(logits[2], model(x[:, 2:3])[0], atol=1e-6)
    print(tuple(logits.shape))
