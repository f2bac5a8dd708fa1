import torch
from torch.nn.utils.rnn import pad_sequence

PAD = 0


def tokenize(s, vocab):
    return [vocab.setdefault(tok, len(vocab) + 1) for tok in s.lower().split()]


def make_batches(sents, labels, vocab, batch_size=4):
    batches = []
    for i in range(0, len(sents), batch_size):
        xs = [torch.tensor(tokenize(s, vocab)) for s in sents[i:i + batch_size]]
        x = pad_sequence(xs, batch_first=True, padding_value=PAD)
        y = torch.tensor(labels[i:i + batch_size])
        batches.append((x, y))
    return batches
