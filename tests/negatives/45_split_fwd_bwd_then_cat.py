"""Correct: fwd = h_n[-2] and bwd = h_n[-1] name the top layer's two directions of a
2-layer bidirectional LSTM; their cat is (B, 2H), one row per sample."""
import torch
import torch.nn as nn


class SentenceEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, tokens):
        _, (h_n, c_n) = self.lstm(self.embedding(tokens))
        fwd = h_n[-2]
        bwd = h_n[-1]
        return torch.cat((fwd, bwd), dim=-1)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = SentenceEncoder(vocab_size=40, emb_dim=6, hidden_dim=5).eval()
    tokens = torch.randint(0, 40, (4, 7))
    sent = model(tokens)
    out, _ = model.lstm(model.embedding(tokens))
    assert sent.shape == (4, 10)
    assert torch.allclose(sent[:, :5], out[:, 6, :5]) and torch.allclose(sent[:, 5:], out[:, 0, 5:])
    print(tuple(sent.shape))
