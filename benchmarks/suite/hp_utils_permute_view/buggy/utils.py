def to_time_major(x):
    """(batch, seq, dim) -> (seq, batch, dim) for the cuDNN RNN."""
    return x.permute(1, 0, 2)


def count_params(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
