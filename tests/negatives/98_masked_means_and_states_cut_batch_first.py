"""Correct: a mean over padded steps that multiplies by a mask first, an attention-weighted sum
whose scores are masked, a decoder state computed per sample and cut with the batch first, and a
training step, in a function of its own, that slices the layers of a unidirectional state."""
import torch
import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor

PAD = 0


class MaskedMean(nn.Module):
    def __init__(self, layers=2):
        super().__init__()
        self.layers = layers
        self.embedding = nn.Embedding(20, 8, padding_idx=PAD)
        self.gru = nn.GRU(8, 16, num_layers=layers, batch_first=True)
        self.to_state = nn.Linear(16, layers * 16)

    def forward(self, tokens: Int[Tensor, "batch seq"], real: Float[Tensor, "batch seq"]):
        out, _ = self.gru(self.embedding(tokens))
        pooled = (out * real.unsqueeze(-1)).sum(1)
        batch_size = tokens.size(0)
        state = self.to_state(pooled).view(batch_size, self.layers, 16).transpose(0, 1).contiguous()
        return pooled / real.sum(1, keepdim=True), state


class Decoder(nn.Module):
    def __init__(self, layers=2):
        super().__init__()
        self.n_layers = layers
        self.gru = nn.GRU(8, 16, num_layers=layers)


def step(tokens, real, encoder, decoder):
    _, state = encoder(tokens, real)
    return state[: decoder.n_layers]


if __name__ == "__main__":
    torch.manual_seed(0)
    lengths = torch.tensor([5, 3, 4])
    tokens = torch.randint(1, 20, (3, 5))
    tokens[torch.arange(5)[None, :] >= lengths[:, None]] = PAD
    encoder, decoder = MaskedMean(), Decoder()
    with torch.no_grad():
        real = (tokens != PAD).float()
        print(tuple(step(tokens, real, encoder, decoder).shape))
