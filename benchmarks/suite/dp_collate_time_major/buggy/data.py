import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

PAD_ID = 0
TAG_PAD = -100  # ignored by the loss


def collate_fn(batch):
    words = [torch.tensor(w) for w, _ in batch]
    tags = [torch.tensor(t) for _, t in batch]
    words = pad_sequence(words, padding_value=PAD_ID)
    tags = pad_sequence(tags, padding_value=TAG_PAD)
    return words, tags


def build_loader(pairs, batch_size=4):
    return DataLoader(pairs, batch_size=batch_size, collate_fn=collate_fn)
