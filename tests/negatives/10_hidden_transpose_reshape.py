"""Correct: h_n is (layers*dirs, B, H); transpose(0, 1) puts batch first and reshape
concatenates every layer's and direction's final state per sample."""
import torch
import torch.nn as nn


class StackedStateEncoder(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, code_size):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
        self.to_code = nn.Linear(num_layers * 2 * hidden_size, code_size)

    def forward(self, x):
        B = x.size(0)
        _, h_n = self.gru(x)
        return self.to_code(h_n.transpose(0, 1).reshape(B, -1))


if __name__ == "__main__":
    torch.manual_seed(0)
    model = StackedStateEncoder(input_size=3, hidden_size=4, num_layers=2, code_size=5)
    x = torch.randn(6, 7, 3)
    code = model(x)
    assert code.shape == (6, 5)
    assert torch.allclose(code[4], model(x[4:5])[0], atol=1e-6)
    print(tuple(code.shape))
