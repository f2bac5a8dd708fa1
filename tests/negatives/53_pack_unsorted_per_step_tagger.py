"""Correct: a batch-first tensor packed with batch_first=True, enforce_sorted=False and
unpacked with batch_first=True; the per-step outputs stay in the original batch order."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class PackedTagger(nn.Module):
    def __init__(self, feat_dim, hidden, n_tags):
        super().__init__()
        self.gru = nn.GRU(feat_dim, hidden, batch_first=True)
        self.emit = nn.Linear(hidden, n_tags)

    def forward(self, x, lengths):  # x: (B, T, feat_dim)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.gru(packed)
        padded, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        return self.emit(padded)  # (B, T, n_tags); steps past a length are padding


if __name__ == "__main__":
    torch.manual_seed(0)
    model = PackedTagger(feat_dim=3, hidden=5, n_tags=4)
    lengths = torch.tensor([3, 6, 1, 4])
    x = torch.randn(4, 6, 3)
    scores = model(x, lengths)
    assert scores.shape == (4, 6, 4)
    for b, n in enumerate(lengths.tolist()):
        assert torch.allclose(scores[b, :n], model(x[b:b + 1, :n], lengths[b:b + 1])[0], atol=1e-6)
    print(tuple(scores.shape))
