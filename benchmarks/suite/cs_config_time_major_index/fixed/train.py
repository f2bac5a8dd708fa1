import torch
import torch.nn.functional as F

from net import SeqClassifier

# experiment settings (cuDNN was faster time-major on the old cluster)
DEFAULTS = dict(vocab=30, emb=8, hidden=12, classes=3, batch_first=False, lr=0.1, steps=3)


def train(cfg=DEFAULTS):
    torch.manual_seed(0)
    model = SeqClassifier(cfg["vocab"], cfg["emb"], cfg["hidden"], cfg["classes"], batch_first=cfg["batch_first"])
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    for _ in range(cfg["steps"]):
        tokens = torch.randint(0, cfg["vocab"], (4, 7))
        labels = torch.randint(0, cfg["classes"], (4,))
        loss = F.cross_entropy(model(tokens), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()
