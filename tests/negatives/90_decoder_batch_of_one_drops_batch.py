"""Correct (found in a real repository): a decoder run on a batch of one drops the batch axis with
`output.view(output.size(0), output.size(2))`; with a larger batch it would raise, never mix."""
import torch
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, vocab, emb, hid):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.gru = nn.GRU(emb, hid)
        self.linear = nn.Linear(hid, vocab)

    def forward(self, tokens, hidden):  # tokens: (seq, 1)
        output, state = self.gru(self.embedding(tokens), hidden)
        output = output.view(output.size(0), output.size(2))
        return self.linear(output), state


if __name__ == "__main__":
    torch.manual_seed(0)
    decoder = Decoder(vocab=11, emb=4, hid=6)
    logits, _ = decoder(torch.randint(0, 11, (5, 1)), torch.zeros(1, 1, 6))
    assert logits.shape == (5, 11)
