import torch
import torch.nn.functional as F

from model import UnrolledGRU


def smoke():
    torch.manual_seed(0)
    model = UnrolledGRU(3, 6, 9, 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    windows = torch.randn(8, 9, 3)
    targets = torch.randn(8, 2)
    for i in range(0, 8, 4):
        loss = F.mse_loss(model(windows[i:i + 4]), targets[i:i + 4])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        x = windows[:4].clone()
        a = model(x)
        x[1] += 1.0
        b = model(x)
    return {"sample0_depends_on_sample1": not torch.allclose(a[0], b[0])}
