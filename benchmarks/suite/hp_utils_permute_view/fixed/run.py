import torch
import torch.nn.functional as F

from model import ProjectedLSTM
from utils import count_params


def smoke():
    torch.manual_seed(0)
    model = ProjectedLSTM(30, 8, 6, 10, 2)
    assert count_params(model) > 0
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        tokens = torch.randint(0, 30, (4, 7))
        loss = F.cross_entropy(model(tokens), torch.randint(0, 2, (4,)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"loss_finite": bool(torch.isfinite(loss))}
