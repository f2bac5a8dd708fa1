"""Correct: logits.view(-1, V) and targets.view(-1) flatten tensors of the same
(B, T) layout, so row i of one still matches element i of the other."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class WordLM(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True)
        self.decoder = nn.Linear(hidden, vocab_size)

    def forward(self, inputs, targets):
        out, _ = self.lstm(self.embedding(inputs))
        logits = self.decoder(out)  # (B, T, V), a fresh contiguous tensor
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss


if __name__ == "__main__":
    torch.manual_seed(0)
    model = WordLM(vocab_size=25, emb_dim=8, hidden=10)
    data = torch.randint(0, 25, (3, 9))
    inputs, targets = data[:, :-1].contiguous(), data[:, 1:].contiguous()
    logits, loss = model(inputs, targets)
    per_token = F.cross_entropy(logits.permute(0, 2, 1), targets, reduction="none")
    assert logits.shape == (3, 8, 25) and torch.allclose(loss, per_token.mean())
    print(tuple(logits.shape))
