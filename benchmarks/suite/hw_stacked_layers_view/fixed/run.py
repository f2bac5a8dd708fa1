import torch
import torch.nn.functional as F

from rnn import DeepElman


def smoke():
    torch.manual_seed(0)
    net = DeepElman(3, 8, 1)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    series = torch.randn(9, 4, 3)  # (seq_len, batch, n_in)
    target = series.sum(-1).cumsum(0).t().unsqueeze(-1)
    for _ in range(3):
        loss = F.mse_loss(net(series), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        x = series.clone()
        a = net(x)
        x[:, 2] += 1.0  # change sample 2 only
        b = net(x)
    return {"sample0_depends_on_sample2": not torch.allclose(a[0], b[0])}
