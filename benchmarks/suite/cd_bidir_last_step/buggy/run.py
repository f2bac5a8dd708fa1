import torch
import torch.nn.functional as F

from model import BiLSTMSentiment


def smoke():
    torch.manual_seed(0)
    model = BiLSTMSentiment(20)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(3):
        text = torch.randint(0, 20, (4, 7))
        loss = F.cross_entropy(model(text), torch.randint(0, 2, (4,)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        text = torch.randint(0, 20, (4, 7))
        a = model.features(text)[:, model.hidden_dim:]
        text[:, 0] = (text[:, 0] + 1) % 20
        b = model.features(text)[:, model.hidden_dim:]
    return {"backward_half_reads_first_word": not torch.allclose(a, b)}
