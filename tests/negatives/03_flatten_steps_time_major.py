"""Correct: time-major (T, B, H) output is contiguous; view(-1, H) and view(T, B, -1)
keep the same (time, batch) order on both sides of the Linear."""
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hidden_dim)
        self.out = nn.Linear(hidden_dim, num_tags)

    def forward(self, src):  # src: (T, B) token ids, time-major
        T, B = src.size(0), src.size(1)
        outputs, _ = self.lstm(self.embedding(src))  # (T, B, H)
        scores = self.out(outputs.view(-1, outputs.size(2)))  # (T*B, tags)
        return scores.view(T, B, -1)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = Tagger(vocab_size=30, emb_dim=8, hidden_dim=10, num_tags=4)
    src = torch.randint(0, 30, (6, 3))
    scores = model(src)
    assert scores.shape == (6, 3, 4)
    assert torch.allclose(scores[:, 1], model(src[:, 1:2])[:, 0], atol=1e-6)
    print(tuple(scores.shape))
