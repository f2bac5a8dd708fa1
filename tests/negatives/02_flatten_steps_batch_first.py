"""Correct: (B, T, H) batch_first output flattened to (B*T, H) for a Linear with
reshape (it copies if needed) and viewed back in the same order."""
import torch
import torch.nn as nn


class TokenClassifier(nn.Module):
    def __init__(self, vocab, emb, hidden, n_labels):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, batch_first=True)
        self.proj = nn.Linear(hidden, n_labels)
        self.hidden = hidden

    def forward(self, tokens):
        B, T = tokens.shape
        out, _ = self.rnn(self.embed(tokens))
        flat = out.reshape(-1, self.hidden)  # (B*T, H), batch-major rows
        logits = self.proj(flat)
        return logits.view(B, T, -1)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = TokenClassifier(vocab=40, emb=8, hidden=12, n_labels=5)
    tokens = torch.randint(0, 40, (3, 7))
    logits = model(tokens)
    assert logits.shape == (3, 7, 5)
    assert torch.allclose(logits[2], model(tokens[2:])[0], atol=1e-6)
    print(tuple(logits.shape))
