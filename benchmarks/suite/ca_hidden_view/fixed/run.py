import torch

from model import TextRNN


def smoke():
    torch.manual_seed(0)
    model = TextRNN(20, 3)
    x = torch.randint(0, 20, (4, 6))
    out = model(x).detach()
    x2 = x.clone()
    x2[0] = (x2[0] + 5) % 20  # change sample 0 only
    out2 = model(x2).detach()
    return {"others_depend_on_sample0": not torch.allclose(out[1:], out2[1:])}
