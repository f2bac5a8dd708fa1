import torch
import torch.nn.functional as F

from model import PackedLSTM


def make_batch(lengths, vocab=20):
    x = torch.zeros(len(lengths), max(lengths), dtype=torch.long)
    for i, n in enumerate(lengths):
        x[i, :n] = torch.randint(1, vocab, (n,))
    return x, torch.tensor(lengths)


def smoke():
    torch.manual_seed(0)
    model = PackedLSTM(20, 8, 10, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        x, lengths = make_batch([3, 7, 5, 2])
        loss = F.cross_entropy(model(x, lengths), torch.randint(0, 2, (4,)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        x, lengths = make_batch([2, 6])
        alone = model(x[:1, :2], lengths[:1])
        batched = model(x, lengths)[:1]
    return {"padding_changes_result": not torch.allclose(alone, batched, atol=1e-6)}
