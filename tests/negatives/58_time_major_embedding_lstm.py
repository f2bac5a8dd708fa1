"""Correct: tokens declared "seq batch" give a (seq, batch, emb) embedding, which is
what a time-major nn.LSTM(E, H) reads; no transpose is needed."""
import torch
import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class TimeMajorTagger(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hidden_dim)
        self.fc = nn.Linear(hidden_dim, num_tags)

    def forward(self, tokens: Int[Tensor, "seq batch"]) -> Float[Tensor, "seq batch tags"]:
        embeds = self.embedding(tokens)  # (seq, batch, emb)
        out, (h_n, c_n) = self.lstm(embeds)
        return self.fc(out)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = TimeMajorTagger(vocab_size=20, emb_dim=6, hidden_dim=8, num_tags=3)
    tokens = torch.randint(0, 20, (7, 4))
    tags = model(tokens)
    assert tags.shape == (7, 4, 3)
    assert torch.allclose(tags[:, 2], model(tokens[:, 2:3])[:, 0], atol=1e-6)
    print(tuple(tags.shape))
