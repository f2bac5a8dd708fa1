import torch
import torch.nn as nn


class CharLSTM(nn.Module):
    num_layers = 2
    hidden_size = 20
    embed_size = 8

    def __init__(self, n_chars):
        super().__init__()
        self.encoder = nn.Embedding(n_chars, self.embed_size)
        self.lstm = nn.LSTM(self.embed_size, self.hidden_size, self.num_layers, batch_first=True)
        self.decoder = nn.Linear(self.hidden_size, n_chars)

    def init_hidden(self, batch_size):
        return (torch.zeros(self.num_layers, batch_size, self.hidden_size),
                torch.zeros(self.num_layers, batch_size, self.hidden_size))

    def forward(self, inp, hidden):
        output, hidden = self.lstm(self.encoder(inp), hidden)
        return self.decoder(output), hidden
