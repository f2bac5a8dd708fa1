"""Correct: a decoder step embeds (B,) tokens to (B, E); view(1, B, -1) only adds a
leading time axis of length one, so no axis changes place."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class DecoderRNN(nn.Module):
    def __init__(self, hidden_size, output_size):
        super().__init__()
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, input, hidden):
        B = input.size(0)
        embedded = self.embedding(input).view(1, B, -1)
        output, hidden = self.gru(F.relu(embedded), hidden)
        return F.log_softmax(self.out(output[0]), dim=1), hidden


if __name__ == "__main__":
    torch.manual_seed(0)
    decoder = DecoderRNN(hidden_size=8, output_size=15)
    tokens, hidden = torch.randint(0, 15, (3,)), torch.zeros(1, 3, 8)
    logp, hidden = decoder(tokens, hidden)
    assert logp.shape == (3, 15)
    one, _ = decoder(tokens[2:], torch.zeros(1, 1, 8))
    assert torch.allclose(logp[2], one[0], atol=1e-6)
    print(tuple(logp.shape))
