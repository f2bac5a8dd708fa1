import torch

PAD_TOKEN = 0


class SimpleIterator:
    """Hand-rolled replacement for torchtext's BucketIterator."""

    def __init__(self, examples, batch_size):
        self.examples = examples
        self.batch_size = batch_size

    def __iter__(self):
        for i in range(0, len(self.examples), self.batch_size):
            chunk = self.examples[i:i + self.batch_size]
            maxlen = max(len(ids) for ids, _ in chunk)
            text = torch.full((len(chunk), maxlen), PAD_TOKEN, dtype=torch.long)
            for j, (ids, _) in enumerate(chunk):
                text[j, :len(ids)] = torch.tensor(ids)
            label = torch.tensor([lab for _, lab in chunk])
            yield text, label
