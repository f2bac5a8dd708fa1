import torch

from train import fit


def smoke():
    model, X = fit()
    with torch.no_grad():
        x = X[:5].transpose(0, 1).clone()
        a = model(x)
        x[:, 4] += 1.0  # change window 4 only
        b = model(x)
    return {"sample0_depends_on_sample4": not torch.allclose(a[0], b[0])}
