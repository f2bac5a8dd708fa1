"""Correct: additive attention; the decoder state is expand()ed over time and concatenated,
never viewed, so the broadcast (non-contiguous) tensor is safe."""
import torch
import torch.nn as nn


class AdditiveAttention(nn.Module):
    def __init__(self, enc_dim, dec_dim, attn_dim):
        super().__init__()
        self.attn = nn.Linear(enc_dim + dec_dim, attn_dim)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, hidden, encoder_outputs):  # (B, dec_dim), (B, T, enc_dim)
        src_len = encoder_outputs.size(1)
        hidden = hidden.unsqueeze(1).expand(-1, src_len, -1)  # (B, T, dec_dim)
        energy = torch.tanh(self.attn(torch.cat((hidden, encoder_outputs), dim=2)))
        weights = self.v(energy).squeeze(2).softmax(dim=1)  # (B, T)
        return torch.bmm(weights.unsqueeze(1), encoder_outputs).squeeze(1)


if __name__ == "__main__":
    torch.manual_seed(0)
    attn = AdditiveAttention(enc_dim=6, dec_dim=4, attn_dim=5)
    hidden, enc = torch.randn(3, 4), torch.randn(3, 7, 6)
    ctx = attn(hidden, enc)
    assert ctx.shape == (3, 6)
    assert torch.allclose(ctx[2:], attn(hidden[2:], enc[2:]), atol=1e-6)
    print(tuple(ctx.shape))
