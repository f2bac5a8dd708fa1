"""Correct: multi-head attention; view splits the last axis, permute moves heads, and
the merge back is done with transpose + contiguous + view."""
import math

import torch
import torch.nn as nn


class SelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x):  # (B, T, D)
        B, T, D = x.shape
        qkv = self.qkv(x).view(B, T, 3, self.n_heads, self.d_head)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each (B, heads, T, d_head)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)
        ctx = scores.softmax(dim=-1) @ v  # (B, heads, T, d_head)
        ctx = ctx.transpose(1, 2).contiguous().view(B, T, D)
        return self.out(ctx)


if __name__ == "__main__":
    torch.manual_seed(0)
    attn = SelfAttention(d_model=12, n_heads=3)
    x = torch.randn(2, 5, 12)
    y = attn(x)
    assert y.shape == (2, 5, 12)
    assert torch.allclose(y[1:], attn(x[1:]), atol=1e-6)
    print(tuple(y.shape))
