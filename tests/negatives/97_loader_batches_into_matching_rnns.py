"""Correct: batches of a DataLoader (default collate: batch-first) go to a batch_first LSTM, and
to a time-major GRU after `.t()`; the attention over the padded batch masks its scores, and a
softmax over the features of each step reads no padding."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

PAD = 0


class Attentive(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 8, padding_idx=PAD)
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.score = nn.Linear(16, 1)

    def forward(self, tokens, lengths):
        out, _ = self.lstm(self.embedding(tokens))
        scores = self.score(out).squeeze(-1)
        real = torch.arange(tokens.size(1))[None, :] < lengths[:, None]
        weights = torch.softmax(scores.masked_fill(~real, float("-inf")), dim=1)
        features = torch.softmax(out, dim=-1)
        return (features * weights.unsqueeze(-1)).sum(1)


class TimeMajor(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 8, padding_idx=PAD)
        self.gru = nn.GRU(8, 16)

    def forward(self, tokens):
        out, _ = self.gru(self.embedding(tokens))
        return out


if __name__ == "__main__":
    torch.manual_seed(0)
    lengths = torch.tensor([5, 3, 4, 2])
    tokens = torch.randint(1, 20, (4, 5))
    tokens[torch.arange(5)[None, :] >= lengths[:, None]] = PAD
    loader = DataLoader(TensorDataset(tokens, lengths), batch_size=2)
    attentive, time_major = Attentive(), TimeMajor()
    with torch.no_grad():
        for batch_tokens, batch_lengths in loader:
            print(tuple(attentive(batch_tokens, batch_lengths).shape), tuple(time_major(batch_tokens.t()).shape))
