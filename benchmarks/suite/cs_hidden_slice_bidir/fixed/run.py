import torch

from train import build, train_step


def smoke():
    torch.manual_seed(0)
    encoder, decoder = build()
    params = {id(p): p for p in [*encoder.parameters(), *decoder.parameters()]}  # the embedding is shared
    opt = torch.optim.Adam(params.values(), lr=1e-2)
    for _ in range(2):
        src = torch.randint(2, 25, (7, 4))
        tgt = torch.randint(2, 25, (5, 4))
        enc_h, dec_h0 = train_step(src, tgt, encoder, decoder, opt)
    layers, batch, hidden = 2, 4, 10
    forward_states = enc_h.view(layers, 2, batch, hidden)[:, 0]
    return {"decoder_starts_from_forward_states": torch.equal(dec_h0, forward_states)}
