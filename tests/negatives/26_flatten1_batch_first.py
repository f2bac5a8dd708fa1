"""Correct: flatten(1) of a batch-first (B, T, C) tensor keeps samples apart; flatten
copies when the input is not contiguous."""
import torch
import torch.nn as nn


class TextCNN(nn.Module):
    def __init__(self, vocab_size, emb_dim, channels, seq_len, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.conv = nn.Conv1d(emb_dim, channels, kernel_size=3, padding=1)
        self.fc = nn.Linear(seq_len * channels, n_classes)

    def forward(self, tokens):  # (B, T)
        x = self.embedding(tokens).permute(0, 2, 1)  # (B, E, T)
        x = torch.relu(self.conv(x)).permute(0, 2, 1)  # (B, T, C), non-contiguous
        return self.fc(x.flatten(1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = TextCNN(vocab_size=40, emb_dim=6, channels=4, seq_len=9, n_classes=2)
    tokens = torch.randint(0, 40, (3, 9))
    logits = model(tokens)
    assert logits.shape == (3, 2)
    assert torch.allclose(logits[0], model(tokens[:1])[0], atol=1e-6)
    print(tuple(logits.shape))
