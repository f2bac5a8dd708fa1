import torch
import torch.nn.functional as F

from model import SentenceClassifier


def smoke():
    torch.manual_seed(0)
    model = SentenceClassifier(20)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        tokens = torch.randint(0, 20, (4, 6))
        loss = F.cross_entropy(model(tokens), torch.randint(0, 2, (4,)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        tokens = torch.randint(0, 20, (4, 6))
        a = model.encode(tokens)[:, model.hidden:]
        tokens[:, 0] = (tokens[:, 0] + 1) % 20
        b = model.encode(tokens)[:, model.hidden:]
    # the backward half of a summary must have read the whole sentence, first word included
    return {"backward_half_reads_first_word": not torch.allclose(a, b)}
