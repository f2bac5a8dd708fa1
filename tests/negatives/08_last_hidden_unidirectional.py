"""Correct: h_n[-1] of a 1-layer unidirectional LSTM is (B, H), the last step of each
sample, whatever batch_first says."""
import torch
import torch.nn as nn


class LastStateClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True)
        self.classifier = nn.Linear(hidden_dim, num_classes)

    def forward(self, input_ids):
        _, (h_n, c_n) = self.lstm(self.embedding(input_ids))
        return self.classifier(h_n[-1])


if __name__ == "__main__":
    torch.manual_seed(0)
    model = LastStateClassifier(vocab_size=100, embed_dim=16, hidden_dim=32, num_classes=4)
    input_ids = torch.randint(0, 100, (5, 9))
    logits = model(input_ids)
    out, _ = model.lstm(model.embedding(input_ids))
    assert torch.allclose(model.classifier(out[:, -1]), logits, atol=1e-6)
    print(tuple(logits.shape))
