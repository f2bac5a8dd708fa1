import torch


def init_hidden(batch_size, n_layers, hidden_size, bidirectional=False, device="cpu"):
    """Zero initial (h0, c0) for an LSTM."""
    n_dir = 2 if bidirectional else 1
    h0 = torch.zeros(n_layers * n_dir, batch_size, hidden_size, device=device)
    c0 = torch.zeros_like(h0)
    return h0, c0
