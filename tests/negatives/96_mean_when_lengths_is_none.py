"""Correct (found in a real repository): `out.mean(dim=1)` runs only under `if lengths is None:`,
where nothing is padded; the padded path is masked."""
import torch
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 8, batch_first=True)

    def forward(self, x, lengths=None):
        out, _ = self.rnn(x)
        if lengths is None:                 # explicit: nothing is padded
            return out.mean(dim=1)
        mask = (torch.arange(x.size(1))[None] < lengths[:, None]).float().unsqueeze(-1)
        return (out * mask).sum(1) / mask.sum(1)



if __name__ == "__main__":
    torch.manual_seed(0)
    e, x = Enc(), torch.randn(3, 6, 4)
    assert torch.allclose(e(x), e(x, torch.full((3,), 6)), atol=1e-6)
    print("ok")
