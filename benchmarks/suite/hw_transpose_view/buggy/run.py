import torch
import torch.nn.functional as F

from model import PeepholeRNN


def smoke():
    torch.manual_seed(0)
    lm = PeepholeRNN(30, 8, 12)
    opt = torch.optim.SGD(lm.parameters(), lr=0.5)
    corpus = torch.randint(0, 30, (4, 11))
    for _ in range(3):
        logits = lm(corpus[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, 30), corpus[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"loss_finite": bool(torch.isfinite(loss))}
