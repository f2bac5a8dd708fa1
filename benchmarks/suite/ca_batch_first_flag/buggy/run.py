import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from model import LSTMTagger


def smoke():
    torch.manual_seed(0)
    X = torch.randint(0, 25, (12, 7))
    Y = torch.randint(0, 5, (12, 7))
    loader = DataLoader(TensorDataset(X, Y), batch_size=4)
    model = LSTMTagger(25, 5)
    loss_function = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for sentence, tags in loader:
        model.zero_grad()
        tag_scores = model(sentence)
        loss = loss_function(tag_scores.reshape(-1, 5), tags.reshape(-1))
        loss.backward()
        optimizer.step()
    probe = X[:4].clone()
    out = model(probe).detach()
    probe[0] = (probe[0] + 1) % 25  # change sample 0 only
    out2 = model(probe).detach()
    return {"others_depend_on_sample0": not torch.allclose(out[1:], out2[1:])}
