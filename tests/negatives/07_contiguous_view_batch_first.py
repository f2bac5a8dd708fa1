"""Correct: .contiguous() before .view on a batch_first LSTM output, whose raw strides
would make the merge fail."""
import torch
import torch.nn as nn


class CharLM(nn.Module):
    def __init__(self, n_chars, emb, hidden):
        super().__init__()
        self.hidden = hidden
        self.encoder = nn.Embedding(n_chars, emb)
        self.rnn = nn.LSTM(emb, hidden, num_layers=2, batch_first=True)
        self.decoder = nn.Linear(hidden, n_chars)

    def forward(self, x, state=None):
        output, state = self.rnn(self.encoder(x), state)
        output = output.contiguous().view(-1, self.hidden)  # (B*T, H)
        return self.decoder(output), state


if __name__ == "__main__":
    torch.manual_seed(0)
    model = CharLM(n_chars=26, emb=8, hidden=16)
    x = torch.randint(0, 26, (4, 10))
    logits, (h, c) = model(x)
    assert logits.shape == (40, 26) and h.shape == (2, 4, 16)
    assert torch.allclose(logits[10:20], model(x[1:2])[0], atol=1e-6)
    print(tuple(logits.shape))
