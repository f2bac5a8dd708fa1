import torch
import torch.nn.functional as F

from model import AttentivePooling


def make_batch(lengths, vocab=20):
    x = torch.zeros(len(lengths), max(lengths), dtype=torch.long)
    for i, n in enumerate(lengths):
        x[i, :n] = torch.randint(1, vocab, (n,))
    return x, x != 0


def smoke():
    torch.manual_seed(0)
    model = AttentivePooling(20, 8, 10, 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(3):
        x, mask = make_batch([3, 7, 5, 2])
        loss = F.cross_entropy(model(x, mask), torch.randint(0, 2, (4,)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        x, mask = make_batch([2, 6])
        alone = model(x[:1, :2], mask[:1, :2])
        batched = model(x, mask)[:1]
    return {"padding_changes_result": not torch.allclose(alone, batched, atol=1e-6)}
