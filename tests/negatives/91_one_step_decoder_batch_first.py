"""Correct (found in a real repository): a one-step attention decoder builds `(batch, 1, feat)` and a
batch_first GRU; with one time step its output is contiguous, so `output.view(-1, hidden)` works."""
import torch
import torch.nn as nn


class StepDecoder(nn.Module):
    def __init__(self, n_in, n_context, hid):
        super().__init__()
        self.rnn = nn.GRU(n_in + n_context, hid, batch_first=True)
        self.hidden_size = hid

    def forward(self, x, context, hidden):  # x: (batch, n_in), context: (batch, 1, n_context)
        x_ = x.view(-1, 1, x.size(1))
        rnn_input = torch.cat((x_, context), dim=2)
        output, hidden = self.rnn(rnn_input, hidden)
        return output.view(-1, self.hidden_size), hidden


if __name__ == "__main__":
    torch.manual_seed(0)
    step = StepDecoder(n_in=3, n_context=4, hid=5)
    out, _ = step(torch.randn(6, 3), torch.randn(6, 1, 4), torch.zeros(1, 6, 5))
    assert out.shape == (6, 5)
