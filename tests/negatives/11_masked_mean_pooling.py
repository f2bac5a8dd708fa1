"""Correct: mean over valid time steps with a (B, T, 1) mask; no view at all."""
import torch
import torch.nn as nn


class MeanPoolEncoder(nn.Module):
    def __init__(self, vocab_size, dim, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(dim, dim, batch_first=True)

    def forward(self, tokens):
        mask = (tokens != self.pad_idx).unsqueeze(-1).float()  # (B, T, 1)
        out, _ = self.lstm(self.embed(tokens))
        summed = (out * mask).sum(dim=1)
        return summed / mask.sum(dim=1).clamp(min=1.0)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = MeanPoolEncoder(vocab_size=30, dim=8)
    tokens = torch.randint(1, 30, (3, 6))
    tokens[1, 4:] = 0
    pooled = model(tokens)
    assert pooled.shape == (3, 8)
    out, _ = model.lstm(model.embed(tokens[1:2, :4]))
    assert torch.allclose(pooled[1], out[0].mean(0), atol=1e-6)
    print(tuple(pooled.shape))
