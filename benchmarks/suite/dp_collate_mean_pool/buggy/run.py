import torch
import torch.nn.functional as F

from data import get_loader
from model import MeanPoolLSTM

TEXTS = ["good movie", "bad plot and bad acting", "i loved it", "worst film of the year sadly",
         "great", "not good not bad", "fine", "a truly wonderful and moving story"]
LABELS = [1, 0, 1, 0, 1, 0, 1, 1]


def smoke():
    torch.manual_seed(0)
    vocab = {w: i + 2 for i, w in enumerate(sorted({w for t in TEXTS for w in t.split()}))}
    loader = get_loader(TEXTS, LABELS, vocab)
    model = MeanPoolLSTM(len(vocab) + 2, 8, 12, 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for text, label in loader:
        loss = F.cross_entropy(model(text), label)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    # a review must get the same score alone and padded in a batch with a longer one
    short, long_ = next(iter(get_loader(["good movie", "a truly wonderful and moving story"], [1, 1], vocab)))[0]
    alone = model(short[:2].unsqueeze(0))
    batched = model(torch.stack([short, long_]))[:1]
    return {"padding_changes_result": not torch.allclose(alone, batched, atol=1e-6)}
