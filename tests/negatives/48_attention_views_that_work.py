"""Correct: views in attention code that work on any strides or merge axes in memory order.

- splitting the first axis of a transposed tensor, with the other sizes read back from it;
- inserting a size-1 axis into a transposed tensor;
- merging (batch, heads) into one axis whatever order the size product is written in, and
  splitting it back in the same order;
- a relative-position shift that pads the last axis and re-cuts only the two trailing axes
  of each (batch, head) slice, on purpose.
"""
import torch
from torch import nn


class GroupedQueries(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads, self.head_dim = num_heads, dim // num_heads
        self.proj = nn.Linear(dim, dim)

    def forward(self, query, groups):  # query: (tgt_len, bsz, dim)
        tgt_len, bsz, dim = query.size()
        q = self.proj(query).contiguous().view(tgt_len, bsz * self.num_heads, self.head_dim).transpose(0, 1)
        # (bsz * heads, tgt_len, head_dim), not contiguous: only axis 0 is split
        return q.view((groups, -1, self.num_heads) + q.size()[1:])


def one_head_scores(sample):  # sample: (T, B, C)
    T, B, C = sample.size()
    return sample.transpose(0, 1).view(B, 1, T, C)  # (B, T, C) with a heads axis of 1 inserted


def relative_matmul(x, z):  # x: (batch, heads, length, dim)
    batch_size, heads, length, _ = x.shape
    x_t = x.permute(2, 0, 1, 3).contiguous().view(length, heads * batch_size, -1)
    product = torch.matmul(x_t, z)  # (length, batch * heads, m)
    return product.view(length, batch_size, heads, -1).permute(1, 2, 0, 3)


def relative_shift(pos_score):  # (batch, heads, len1, len2)
    batch_size, num_heads, seq_length1, seq_length2 = pos_score.size()
    zeros = pos_score.new_zeros(batch_size, num_heads, seq_length1, 1)
    padded = torch.cat([zeros, pos_score], dim=-1)
    padded = padded.view(batch_size, num_heads, seq_length2 + 1, seq_length1)
    return padded[:, :, 1:].view_as(pos_score)


if __name__ == "__main__":
    torch.manual_seed(0)
    grouped = GroupedQueries(dim=12, num_heads=3)(torch.randn(5, 4, 12), groups=2)
    assert grouped.shape == (2, 2, 3, 5, 4)
    sample = torch.randn(3, 2, 4)
    assert torch.equal(one_head_scores(sample)[:, 0], sample.transpose(0, 1))
    x, z = torch.randn(2, 3, 5, 4), torch.randn(5, 4, 6)
    assert torch.allclose(relative_matmul(x, z), torch.einsum("bhld,ldm->bhlm", x, z), atol=1e-6)
    scores = torch.randn(2, 3, 4, 4)
    shifted = relative_shift(scores)
    assert torch.equal(relative_shift(scores[1:]), shifted[1:])  # each sample shifted on its own
    print(tuple(grouped.shape), tuple(shifted.shape))
