"""Correct: transpose(1, 2) to (B, C, T) for Conv1d and back to (B, T, C) for a
batch_first LSTM; no view touches the transposed tensors."""
import torch
import torch.nn as nn


class ConvLSTM(nn.Module):
    def __init__(self, vocab_size, emb_dim, channels, hidden, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.conv = nn.Conv1d(emb_dim, channels, kernel_size=3, padding=1)
        self.lstm = nn.LSTM(channels, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, tokens):
        x = self.embedding(tokens).transpose(1, 2)  # (B, E, T)
        x = torch.relu(self.conv(x)).transpose(1, 2)  # (B, T, C)
        out, (h_n, _) = self.lstm(x)
        return self.fc(out[:, -1])


if __name__ == "__main__":
    torch.manual_seed(0)
    model = ConvLSTM(vocab_size=40, emb_dim=8, channels=6, hidden=10, n_classes=3)
    tokens = torch.randint(0, 40, (4, 9))
    logits = model(tokens)
    assert logits.shape == (4, 3)
    assert torch.allclose(logits[:1], model(tokens[:1]), atol=1e-6)
    print(tuple(logits.shape))
