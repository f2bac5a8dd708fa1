"""Correct: one decoder step; unsqueeze(0) makes the (B, E) input a (1, B, E) time-major
sequence of length one."""
import torch
import torch.nn as nn


class DecoderStep(nn.Module):
    def __init__(self, vocab_size, emb_dim, hid_dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.rnn = nn.LSTM(emb_dim, hid_dim)
        self.fc_out = nn.Linear(hid_dim, vocab_size)

    def forward(self, input, hidden, cell):  # input: (B,), hidden/cell: (1, B, H)
        input = input.unsqueeze(0)
        embedded = self.embedding(input)  # (1, B, E)
        output, (hidden, cell) = self.rnn(embedded, (hidden, cell))
        prediction = self.fc_out(output.squeeze(0))
        return prediction, hidden, cell


if __name__ == "__main__":
    torch.manual_seed(0)
    dec = DecoderStep(vocab_size=20, emb_dim=6, hid_dim=8)
    B = 4
    tok, h, c = torch.randint(0, 20, (B,)), torch.randn(1, B, 8), torch.randn(1, B, 8)
    pred, h, c = dec(tok, h, c)
    assert pred.shape == (B, 20) and h.shape == (1, B, 8)
    print(tuple(pred.shape))
