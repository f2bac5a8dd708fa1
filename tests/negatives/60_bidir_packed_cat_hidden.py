"""Correct: over a packed batch, a bidirectional LSTM's h_n[-2] and h_n[-1] are the forward
and backward states at each sample's own ends; their cat needs no padding mask."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class PackedBiClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, tokens, src_lengths):
        embedded = self.embedding(tokens)
        packed = pack_padded_sequence(embedded, src_lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, c_n) = self.lstm(packed)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = PackedBiClassifier(vocab_size=30, emb_dim=6, hidden=5, n_classes=2)
    src_lengths = torch.tensor([3, 7, 5])
    tokens = torch.randint(1, 30, (3, 7)) * (torch.arange(7) < src_lengths[:, None])
    logits = model(tokens, src_lengths)
    assert logits.shape == (3, 2)
    assert torch.allclose(logits[0], model(tokens[:1, :3], src_lengths[:1])[0], atol=1e-6)
    print(tuple(logits.shape))
