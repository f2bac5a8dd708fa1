import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from config import CONFIG as cfg
from net import GRUTagger


def smoke():
    torch.manual_seed(0)
    X = torch.randint(0, 20, (12, 7))
    Y = (X % 3).clone()
    dl = DataLoader(TensorDataset(X, Y), batch_size=cfg["batch_size"])
    model = GRUTagger(20, cfg["emb_dim"], cfg["hidden"], 3, cfg["batch_first"])
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    for _ in range(cfg["epochs"]):
        for xb, yb in dl:
            loss = F.cross_entropy(model(xb).reshape(-1, 3), yb.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        x = X[:4].clone()
        a = model(x)
        x[0] = (x[0] + 1) % 20  # change sample 0 only
        b = model(x)
    return {"others_depend_on_sample0": not torch.allclose(a[1:], b[1:])}
