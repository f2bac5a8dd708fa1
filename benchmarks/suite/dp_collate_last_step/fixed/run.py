import torch
import torch.nn as nn

from data import make_batches
from model import IntentClassifier

SENTS = ["play some music", "what is the weather like in paris today", "stop", "set an alarm for seven",
         "turn it off", "will it rain tomorrow", "play the next song please", "wake me at six"]
LABELS = [0, 1, 0, 2, 0, 1, 0, 2]


def smoke():
    torch.manual_seed(0)
    vocab = {}
    batches = make_batches(SENTS, LABELS, vocab)
    model = IntentClassifier(60)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    crit = nn.CrossEntropyLoss()
    for x, y in batches:
        loss = crit(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    (x, _), = make_batches(SENTS[:2], LABELS[:2], vocab, batch_size=2)
    alone = model(x[:1, :3])  # "play some music" without padding
    batched = model(x)[:1]
    return {"padding_changes_result": not torch.allclose(alone, batched, atol=1e-6)}
