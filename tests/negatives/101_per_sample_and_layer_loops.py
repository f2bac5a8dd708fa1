"""Correct: loops that are not recurrences over time. A loop over the samples of a batch stacks one
result per sample (batch first again); a loop over layers stacks each layer's output on a new first
axis (layers, batch, time, hidden), then reads the last layer and averages over layers."""
import torch
import torch.nn as nn


class LoopsNotOverTime(nn.Module):
    def __init__(self, emb, hidden):
        super().__init__()
        self.proj = nn.Linear(emb, hidden)
        self.layers = nn.ModuleList([nn.Linear(hidden, hidden) for _ in range(3)])

    def forward(self, x):  # (batch, time, emb)
        batch_size, seq_len, _ = x.shape
        per_sample = []
        for i in range(batch_size):
            per_sample.append(self.proj(x[i]))
        h = torch.stack(per_sample)  # (batch, time, hidden)
        per_layer = []
        for i in range(len(self.layers)):
            h = torch.tanh(self.layers[i](h))
            per_layer.append(h)
        layers = torch.stack(per_layer)  # (layers, batch, time, hidden)
        return layers[-1].reshape(batch_size, -1), layers.mean(0)[:, -1]


if __name__ == "__main__":
    torch.manual_seed(0)
    model = LoopsNotOverTime(emb=3, hidden=4)
    x = torch.randn(5, 6, 3)
    flat, last = model(x)
    assert flat.shape == (5, 24) and last.shape == (5, 4)
    assert torch.allclose(flat[4], model(x[4:])[0][0], atol=1e-6)
    print(tuple(flat.shape))
