"""Correct: mean pooling over a pad_packed_sequence result with a mask built from the
lengths; each sample is averaged over its own valid steps only."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class MaskedMeanEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True)

    def forward(self, tokens, lens):
        packed = pack_padded_sequence(self.embedding(tokens), lens, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        padded, _ = pad_packed_sequence(out, batch_first=True)
        mask = torch.arange(padded.size(1))[None, :] < lens[:, None]  # (B, T)
        summed = (padded * mask.unsqueeze(-1)).sum(dim=1)
        return summed / mask.sum(dim=1, keepdim=True)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = MaskedMeanEncoder(vocab_size=30, emb_dim=6, hidden=8)
    lens = torch.tensor([3, 7, 5])
    tokens = torch.randint(1, 30, (3, 7)) * (torch.arange(7) < lens[:, None])
    pooled = model(tokens, lens)
    assert pooled.shape == (3, 8)
    assert torch.allclose(pooled[0], model(tokens[:1, :3], lens[:1])[0], atol=1e-6)
    print(tuple(pooled.shape))
