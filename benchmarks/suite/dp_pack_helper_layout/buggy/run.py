import random

import torch
import torch.nn.functional as F

from model import Encoder
from utils import pad_batch


def smoke():
    random.seed(0)
    torch.manual_seed(0)
    data = [[random.randint(1, 19) for _ in range(random.randint(2, 7))] for _ in range(12)]
    labels = [random.randint(0, 1) for _ in data]
    model = Encoder(20, 8, 12)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for i in range(0, len(data), 4):
        src, src_len = pad_batch(data[i:i + 4])
        loss = F.cross_entropy(model(src, src_len), torch.tensor(labels[i:i + 4]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"loss_finite": bool(torch.isfinite(loss))}
