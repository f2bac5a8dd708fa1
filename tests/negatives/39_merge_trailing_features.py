"""Correct: x.view(x.size(0), x.size(1), -1) of a contiguous (B, T, C, F) tensor merges
only the trailing feature axes, the same call that fails after unfold."""
import torch
import torch.nn as nn


class SpectrogramRNN(nn.Module):
    def __init__(self, channels, freq_bins, hidden, n_classes):
        super().__init__()
        self.conv = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.rnn = nn.GRU(channels * freq_bins, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, spec):  # (B, T, F)
        x = torch.relu(self.conv(spec.unsqueeze(1)))  # (B, C, T, F)
        x = x.permute(0, 2, 1, 3).contiguous()  # (B, T, C, F)
        x = x.view(x.size(0), x.size(1), -1)  # (B, T, C*F)
        out, _ = self.rnn(x)
        return self.fc(out[:, -1])


if __name__ == "__main__":
    torch.manual_seed(0)
    model = SpectrogramRNN(channels=2, freq_bins=5, hidden=6, n_classes=3)
    spec = torch.randn(4, 8, 5)
    logits = model(spec)
    assert logits.shape == (4, 3)
    assert torch.allclose(logits[1], model(spec[1:2])[0], atol=1e-5)
    print(tuple(logits.shape))
