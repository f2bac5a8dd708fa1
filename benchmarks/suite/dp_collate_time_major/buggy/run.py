import random

import torch
import torch.nn as nn

from data import TAG_PAD, build_loader
from tagger import BiLSTMTagger


def smoke():
    random.seed(0)
    torch.manual_seed(0)
    pairs = []
    for _ in range(12):
        n = random.randint(3, 7)
        pairs.append(([random.randint(1, 19) for _ in range(n)], [random.randint(0, 3) for _ in range(n)]))
    model = BiLSTMTagger(20, 4)
    loss_fn = nn.CrossEntropyLoss(ignore_index=TAG_PAD)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for words, tags in build_loader(pairs):
        scores = model(words)
        loss = loss_fn(scores.reshape(-1, 4), tags.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    # tags of sentence 0 must not change when another sentence of the batch changes
    batch = [pairs[0], pairs[1], pairs[2]]
    other = [pairs[0], ([(w % 19) + 1 for w in pairs[1][0]], pairs[1][1]), pairs[2]]
    words_a, _ = next(iter(build_loader(batch)))
    words_b, _ = next(iter(build_loader(other)))
    assert max(len(w) for w, _ in batch) != len(batch)
    out_a, out_b = model(words_a).detach(), model(words_b).detach()
    return {"sentence0_depends_on_others": not torch.allclose(_first(words_a, out_a), _first(words_b, out_b))}


def _first(words, out):
    # sentence 0 is row 0 of a batch-first batch and column 0 of a time-major one
    return out[0] if words.size(0) == 3 else out[:, 0]
