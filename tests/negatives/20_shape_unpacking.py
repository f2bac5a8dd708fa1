"""Correct: batch_size, seq_len = tokens.shape, then every view/reshape keeps the
(batch, seq) order the tensors really have."""
import torch
import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class NERTagger(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hidden_dim // 2, batch_first=True, bidirectional=True)
        self.hidden2tag = nn.Linear(hidden_dim, num_tags)

    def forward(self, tokens: Int[Tensor, "batch seq"]) -> Float[Tensor, "batch seq tags"]:
        batch_size, seq_len = tokens.shape
        embeds = self.embedding(tokens)
        lstm_out, _ = self.lstm(embeds)
        feats = self.hidden2tag(lstm_out.reshape(batch_size * seq_len, -1))
        return feats.view(batch_size, seq_len, -1)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = NERTagger(vocab_size=50, emb_dim=8, hidden_dim=10, num_tags=7)
    tokens = torch.randint(0, 50, (4, 6))
    feats = model(tokens)
    assert feats.shape == (4, 6, 7)
    assert torch.allclose(feats[3], model(tokens[3:])[0], atol=1e-6)
    print(tuple(feats.shape))
