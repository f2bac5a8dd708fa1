"""Correct: the PyTorch seq2seq tutorial encoder feeds one token at a time;
view(1, 1, -1) turns the (E,) embedding into a (1, 1, E) step, batch 1."""
import torch
import torch.nn as nn


class EncoderRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)

    def forward(self, input, hidden):
        embedded = self.embedding(input).view(1, 1, -1)
        output, hidden = self.gru(embedded, hidden)
        return output, hidden

    def init_hidden(self):
        return torch.zeros(1, 1, self.hidden_size)


if __name__ == "__main__":
    torch.manual_seed(0)
    encoder = EncoderRNN(input_size=10, hidden_size=8)
    sentence, hidden = torch.tensor([3, 1, 4, 1, 5]), encoder.init_hidden()
    for ei in range(sentence.size(0)):
        output, hidden = encoder(sentence[ei], hidden)
    full, _ = encoder.gru(encoder.embedding(sentence).unsqueeze(1), encoder.init_hidden())
    assert output.shape == (1, 1, 8) and torch.allclose(output[0, 0], full[-1, 0], atol=1e-6)
    print(tuple(output.shape))
