"""Correct: pad_packed_sequence(batch_first=True, total_length=T) is batch-first but
not contiguous; .contiguous() comes before view(B, -1)."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class PaddedFlatEncoder(nn.Module):
    def __init__(self, feat_dim, hidden, max_len, n_out):
        super().__init__()
        self.lstm = nn.LSTM(feat_dim, hidden, batch_first=True)
        self.out = nn.Linear(max_len * hidden, n_out)

    def forward(self, x, lengths):  # x: (B, max_len, feat_dim), zero-padded
        B, max_len = x.size(0), x.size(1)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=max_len)
        return self.out(out.contiguous().view(B, -1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = PaddedFlatEncoder(feat_dim=3, hidden=4, max_len=6, n_out=2)
    lengths = torch.tensor([4, 6, 2])
    x = torch.randn(3, 6, 3) * (torch.arange(6) < lengths.unsqueeze(1)).unsqueeze(-1)
    y = model(x, lengths)
    assert y.shape == (3, 2)
    assert torch.allclose(y[2], model(x[2:], lengths[2:])[0], atol=1e-6)
    print(tuple(y.shape))
