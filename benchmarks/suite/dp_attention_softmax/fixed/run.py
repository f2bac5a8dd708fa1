import random

import torch
import torch.nn.functional as F

from dataset import SimpleIterator
from model import AttnLSTM


def smoke():
    random.seed(1)
    torch.manual_seed(0)
    examples = [([random.randint(1, 29) for _ in range(random.randint(2, 8))], random.randint(0, 1)) for _ in range(12)]
    model = AttnLSTM(30, 8, 10, 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for text, label in SimpleIterator(examples, 4):
        loss = F.cross_entropy(model(text), label)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    pair = [([3, 4], 0), ([5, 6, 7, 8, 9, 10], 1)]
    text, _ = next(iter(SimpleIterator(pair, 2)))
    alone = model(text[:1, :2])
    batched = model(text)[:1]
    return {"padding_changes_result": not torch.allclose(alone, batched, atol=1e-6)}
