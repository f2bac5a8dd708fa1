import torch
import torch.nn as nn

from tagger import LSTMTagger


def smoke():
    torch.manual_seed(0)
    model = LSTMTagger(6, 8, 15, 3)
    loss_function = nn.NLLLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    sents = torch.randint(0, 15, (4, 5))
    tags = sents % 3
    for epoch in range(3):
        model.zero_grad()
        loss = loss_function(model(sents).reshape(-1, 3), tags.reshape(-1))
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        x = sents.clone()
        a = model(x)
        x[1] = (x[1] + 1) % 15
        b = model(x)
    return {"sample0_depends_on_sample1": not torch.allclose(a[0], b[0])}
