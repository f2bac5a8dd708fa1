import torch
import torch.nn.functional as F

from model import StackedGRUClassifier


def smoke():
    torch.manual_seed(0)
    clf = StackedGRUClassifier(30)
    opt = torch.optim.Adam(clf.parameters(), lr=1e-2)
    for _ in range(3):
        ids = torch.randint(0, 30, (4, 7))
        loss = F.cross_entropy(clf(ids), torch.randint(0, 3, (4,)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        ids = torch.randint(0, 30, (4, 7))
        a = clf(ids)
        ids[1] = (ids[1] + 1) % 30
        b = clf(ids)
    return {"sample0_depends_on_sample1": not torch.allclose(a[0], b[0])}
