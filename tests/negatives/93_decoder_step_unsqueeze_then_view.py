"""Correct: a decoder step unsqueezes its input to one time step, so `output.view(batch_size, -1)`
of the time-major GRU only drops that size-1 time axis."""
import torch
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, vocab, hid):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hid)
        self.gru = nn.GRU(hid, hid)
        self.out = nn.Linear(hid, vocab)

    def forward(self, input_step, hidden, batch_size):
        embedded = self.embedding(input_step).unsqueeze(0)
        output, hidden = self.gru(embedded, hidden)
        return self.out(output.view(batch_size, -1)), hidden


if __name__ == "__main__":
    torch.manual_seed(0)
    decoder = Decoder(vocab=9, hid=4)
    tokens = torch.randint(0, 9, (3,))
    logits, _ = decoder(tokens, torch.zeros(1, 3, 4), 3)
    # Each row is its own sample: running sample 1 alone gives the same logits.
    alone, _ = decoder(tokens[1:2], torch.zeros(1, 1, 4), 1)
    assert torch.allclose(logits[1], alone[0], atol=1e-6)
