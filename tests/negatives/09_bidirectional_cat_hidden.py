"""Correct: for a bidirectional LSTM, h_n[-2] and h_n[-1] are the last layer's forward
and backward final states, each (B, H); cat on dim 1 gives (B, 2H) per sample."""
import torch
import torch.nn as nn


class BiLSTMClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.LSTM(emb_dim, hidden_dim, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(hidden_dim * 2, n_classes)
        self.dropout = nn.Dropout(0.5)

    def forward(self, text):
        embedded = self.dropout(self.embedding(text))
        output, (hidden, cell) = self.rnn(embedded)
        hidden = self.dropout(torch.cat([hidden[-2], hidden[-1]], 1))
        return self.fc(hidden)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = BiLSTMClassifier(vocab_size=60, emb_dim=10, hidden_dim=12, n_classes=2).eval()
    text = torch.randint(1, 60, (3, 8))
    logits = model(text)
    assert logits.shape == (3, 2)
    assert torch.allclose(logits[1], model(text[1:2])[0], atol=1e-6)
    print(tuple(logits.shape))
