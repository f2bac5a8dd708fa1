"""Correct: pad_packed_sequence pads with zeros, so padded.sum(1) is the sum over the
valid steps; dividing by lengths gives each sample's true mean."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class SumPoolEncoder(nn.Module):
    def __init__(self, feat_dim, hidden):
        super().__init__()
        self.gru = nn.GRU(feat_dim, hidden, batch_first=True)

    def forward(self, x, lengths):  # x: (B, T, feat_dim); steps past a length are ignored
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.gru(packed)
        padded, _ = pad_packed_sequence(out, batch_first=True)  # zeros past each length
        return padded.sum(1) / lengths.unsqueeze(1).float()


if __name__ == "__main__":
    torch.manual_seed(0)
    model = SumPoolEncoder(feat_dim=3, hidden=5)
    lengths = torch.tensor([2, 6, 4])
    x = torch.randn(3, 6, 3)
    pooled = model(x, lengths)
    alone, _ = model.gru(x[2:, :4])
    assert pooled.shape == (3, 5)
    assert torch.allclose(pooled[2], alone[0].mean(0), atol=1e-6)
    print(tuple(pooled.shape))
