import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

PAD_IDX = 0


class ReviewDataset(Dataset):
    def __init__(self, texts, labels, vocab):
        self.texts = texts
        self.labels = labels
        self.vocab = vocab

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        ids = [self.vocab.get(w, 1) for w in self.texts[i].split()]
        return torch.tensor(ids), self.labels[i]


def collate_batch(batch):
    texts, labels = zip(*batch)
    # pad to the longest review in the batch
    texts = pad_sequence(texts, batch_first=True, padding_value=PAD_IDX)
    return texts, torch.tensor(labels)


def get_loader(texts, labels, vocab, bs=4, shuffle=False):
    return DataLoader(ReviewDataset(texts, labels, vocab), batch_size=bs, shuffle=shuffle, collate_fn=collate_batch)
