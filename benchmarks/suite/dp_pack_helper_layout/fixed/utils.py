import torch


def pad_batch(seqs, pad_id=0, max_len=None):
    """Pad a list of id lists into a [batch, max_len] LongTensor (plus the lengths)."""
    lens = [len(s) for s in seqs]
    max_len = max_len or max(lens)
    arr = torch.full((len(seqs), max_len), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        arr[i, :len(s)] = torch.tensor(s)
    return arr, torch.tensor(lens)
