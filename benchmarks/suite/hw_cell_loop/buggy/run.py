import torch
import torch.nn.functional as F

from model import LSTMCellEncoder


def smoke():
    torch.manual_seed(0)
    model = LSTMCellEncoder(25, 8, 12, 3)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        tokens = torch.randint(0, 25, (4, 7))
        labels = torch.randint(0, 3, (4,))
        loss = F.cross_entropy(model(tokens), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"loss_finite": bool(torch.isfinite(loss))}
