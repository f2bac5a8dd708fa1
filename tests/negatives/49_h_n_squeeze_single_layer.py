"""Correct: h_n of a 1-layer unidirectional GRU is (1, B, H); squeeze(0) drops the
layer axis and leaves (B, H), the last step of each sample."""
import torch
import torch.nn as nn


class GRUSummarizer(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True)

    def forward(self, tokens):
        _, h_n = self.gru(self.embedding(tokens))
        return h_n.squeeze(0)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = GRUSummarizer(vocab_size=25, emb_dim=5, hidden=7)
    tokens = torch.randint(0, 25, (4, 6))
    summary = model(tokens)
    out, _ = model.gru(model.embedding(tokens))
    assert summary.shape == (4, 7)
    assert torch.allclose(summary, out[:, 5])
    print(tuple(summary.shape))
