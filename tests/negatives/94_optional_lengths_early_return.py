"""Correct (found in a real repository): with `lengths` the batch is packed and the function returns;
the code after the `if` runs only when `lengths is None`, so `out[:, -1]` is a real last step."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class Clf(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True)

    def forward(self, x, lengths=None):
        if lengths is not None:
            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            _, (h_n, _) = self.lstm(packed)
            return h_n[-1]
        out, _ = self.lstm(x)      # only reached when lengths is None: nothing is padded
        return out[:, -1, :]



if __name__ == "__main__":
    torch.manual_seed(0)
    m = Clf()
    x = torch.randn(3, 5, 4)
    full = torch.full((3,), 5)
    assert torch.allclose(m(x), m(x, full), atol=1e-6)   # unpadded path == packed path
    print("ok: out[:, -1] equals the packed h_n[-1] when lengths is None")
