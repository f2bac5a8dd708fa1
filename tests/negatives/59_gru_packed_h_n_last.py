"""Correct: a unidirectional GRU over a packed, time-major batch returns h_n as
(1, B, H); h_n[-1] is each sample's state at its last valid step."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class PackedGRUClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, text, text_lengths):  # text: (T, B), lengths sorted descending
        packed = pack_padded_sequence(self.embedding(text), text_lengths)
        _, h_n = self.gru(packed)
        return self.fc(h_n[-1])


if __name__ == "__main__":
    torch.manual_seed(0)
    model = PackedGRUClassifier(vocab_size=30, emb_dim=6, hidden=7, n_classes=3)
    text_lengths = torch.tensor([8, 5, 2])
    text = torch.randint(1, 30, (8, 3)) * (torch.arange(8)[:, None] < text_lengths[None, :])
    logits = model(text, text_lengths)
    assert logits.shape == (3, 3)
    assert torch.allclose(logits[2], model(text[:2, 2:], text_lengths[2:])[0], atol=1e-6)
    print(tuple(logits.shape))
