import torch
import torch.nn.functional as F

from model import NLINet


def batch(lengths, vocab=25):
    x = torch.zeros(len(lengths), max(lengths), dtype=torch.long)
    for i, n in enumerate(lengths):
        x[i, :n] = torch.randint(1, vocab, (n,))
    return x, torch.tensor(lengths)


def smoke():
    torch.manual_seed(0)
    net = NLINet(25)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(3):
        s1, l1 = batch([5, 3, 7, 2])
        s2, l2 = batch([4, 6, 2, 3])
        loss = F.cross_entropy(net(s1, l1, s2, l2), torch.randint(0, 3, (4,)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        s, lens = batch([2, 7])
        alone = net.encoder(s[:1, :2], lens[:1])
        batched = net.encoder(s, lens)[:1]
    return {"padding_changes_result": not torch.allclose(alone, batched, atol=1e-6)}
