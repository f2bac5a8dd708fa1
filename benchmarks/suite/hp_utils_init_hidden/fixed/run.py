import torch
import torch.nn.functional as F

from model import SpeechLSTM


def smoke():
    torch.manual_seed(0)
    model = SpeechLSTM()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(3):
        feats = torch.randn(4, 9, 5)
        phones = torch.randint(0, 6, (4, 9))
        loss = F.cross_entropy(model(feats).reshape(-1, 6), phones.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"loss_finite": bool(torch.isfinite(loss))}
