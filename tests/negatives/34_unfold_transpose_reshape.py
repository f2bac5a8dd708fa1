"""Correct: context windows with unfold; transpose puts the window axis before the
embedding axis and reshape (not view) copies, giving rows [emb(t), emb(t+1), ...]."""
import torch
import torch.nn as nn


class WindowEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, context_size, hidden):
        super().__init__()
        self.context_size = context_size
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(context_size * emb_dim, hidden, batch_first=True)

    def forward(self, tokens):
        embeds = self.embedding(tokens)  # (B, T, E)
        windows = embeds.unfold(1, self.context_size, 1)  # (B, T-C+1, E, C)
        B, W = windows.size(0), windows.size(1)
        windows = windows.transpose(-1, -2).reshape(B, W, -1)
        out, _ = self.lstm(windows)
        return out, windows


if __name__ == "__main__":
    torch.manual_seed(0)
    model = WindowEncoder(vocab_size=20, emb_dim=3, context_size=2, hidden=5)
    tokens = torch.randint(0, 20, (2, 6))
    out, windows = model(tokens)
    emb = model.embedding(tokens)
    assert out.shape == (2, 5, 5)
    assert torch.equal(windows[1, 2], torch.cat([emb[1, 2], emb[1, 3]]))
    print(tuple(out.shape))
