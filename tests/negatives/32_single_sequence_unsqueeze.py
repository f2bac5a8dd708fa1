"""Correct: one unbatched sequence (T, E) gets a batch axis with unsqueeze(1) for a
time-major LSTM and loses it again with squeeze(1)."""
import torch
import torch.nn as nn


class SequenceScorer(nn.Module):
    def __init__(self, feat_dim, hidden):
        super().__init__()
        self.lstm = nn.LSTM(feat_dim, hidden)
        self.score = nn.Linear(hidden, 1)

    def forward(self, frames):  # (T, feat_dim), a single utterance
        out, _ = self.lstm(frames.unsqueeze(1))  # (T, 1, H)
        return self.score(out.squeeze(1)).squeeze(-1)  # (T,)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = SequenceScorer(feat_dim=4, hidden=6)
    frames = torch.randn(11, 4)
    scores = model(frames)
    assert scores.shape == (11,)
    assert torch.allclose(scores[:5], model(frames[:5]), atol=1e-6)  # causal: prefix unchanged
    print(tuple(scores.shape))
