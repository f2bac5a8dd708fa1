import torch
import torch.nn as nn

from model import PoetryModel


def smoke():
    torch.manual_seed(0)
    data = torch.randint(0, 40, (8, 8))
    model = PoetryModel(40)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for i in range(0, 8, 4):
        batch = data[i:i + 4]
        input_, target = batch[:, :-1], batch[:, 1:]
        output, _ = model(input_)
        loss = criterion(output, target.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {"loss_finite": bool(torch.isfinite(loss))}
