"""Correct: permute(1, 0, 2) moves batch in front of a time-major output before
reshape(bs, -1); reshape copies the permuted tensor."""
import torch
import torch.nn as nn


class StepConcatHead(nn.Module):
    def __init__(self, in_dim, hidden, max_len, n_classes):
        super().__init__()
        self.rnn = nn.RNN(in_dim, hidden, nonlinearity="tanh")
        self.fc = nn.Linear(max_len * hidden, n_classes)

    def forward(self, x):  # (max_len, bs, in_dim)
        bs = x.size(1)
        out, _ = self.rnn(x)
        return self.fc(out.permute(1, 0, 2).reshape(bs, -1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = StepConcatHead(in_dim=3, hidden=5, max_len=4, n_classes=2)
    x = torch.randn(4, 6, 3)
    y = model(x)
    assert y.shape == (6, 2)
    assert torch.allclose(y[5], model(x[:, 5:])[0], atol=1e-6)
    print(tuple(y.shape))
