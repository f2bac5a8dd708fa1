import torch
import torch.nn.functional as F

from model import CharLSTM

text = "hello world, this is a tiny corpus of characters for the smoke run"
chars = sorted(set(text))
idx = torch.tensor([chars.index(c) for c in text])


def smoke():
    torch.manual_seed(0)
    model = CharLSTM(len(chars))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    batch, chunk = 3, 8
    for step in range(3):
        starts = torch.randint(0, len(idx) - chunk - 1, (batch,))
        inp = torch.stack([idx[s:s + chunk] for s in starts])
        target = torch.stack([idx[s + 1:s + chunk + 1] for s in starts])
        hidden = model.init_hidden(batch)
        out, hidden = model(inp, hidden)
        loss = F.cross_entropy(out.reshape(-1, len(chars)), target.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {"loss": round(loss.item(), 3) > 0}
