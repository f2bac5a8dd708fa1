"""Correct: pad_packed_sequence without batch_first gives (T, B, H); transpose(0, 1)
then max over time gives per-sample features. No view of the time-major tensor."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class MaxPoolEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden)

    def forward(self, src, src_len):  # src: (T, B), sorted by length
        packed = pack_padded_sequence(self.embedding(src), src_len)
        packed_out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(packed_out, padding_value=float("-inf"))  # (T, B, H)
        return out.transpose(0, 1).max(dim=1).values  # (B, H)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = MaxPoolEncoder(vocab_size=20, emb_dim=5, hidden=6)
    src_len = torch.tensor([5, 3, 2])
    src = torch.randint(1, 20, (5, 3)) * (torch.arange(5).unsqueeze(1) < src_len)
    pooled = model(src, src_len)
    assert pooled.shape == (3, 6)
    assert torch.allclose(pooled[1], model(src[:3, 1:2], src_len[1:2])[0], atol=1e-6)
    print(tuple(pooled.shape))
