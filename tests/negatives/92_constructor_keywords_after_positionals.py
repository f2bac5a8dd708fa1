"""Correct (found in a real repository): keyword arguments to nn.LSTM are not positional ones:
`bidirectional=True` written fifth does not make the LSTM batch_first."""
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, emb, hid, ntags):
        super().__init__()
        self.lstm = nn.LSTM(emb, hid, num_layers=2, dropout=0.5, bidirectional=True)  # time-major
        self.fc = nn.Linear(2 * hid, ntags)

    def forward(self, x):  # (seq, batch, emb)
        out, _ = self.lstm(x)
        return self.fc(out.view(-1, out.size(2)))


if __name__ == "__main__":
    torch.manual_seed(0)
    tagger = Tagger(emb=4, hid=3, ntags=5).eval()
    assert tagger(torch.randn(7, 2, 4)).shape == (14, 5)
