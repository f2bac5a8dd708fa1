import torch
import torch.nn as nn


class BiLSTMSentiment(nn.Module):
    def __init__(self, vocab_size, embedding_dim=8, hidden_dim=6, output_dim=2, bidirectional=True):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True, bidirectional=bidirectional)
        num_directions = 2 if bidirectional else 1
        self.hidden_dim = hidden_dim
        self.fc = nn.Linear(hidden_dim * num_directions, output_dim)

    def features(self, text):
        output, (hidden, cell) = self.lstm(self.embedding(text))
        return output[:, -1, :]

    def forward(self, text):
        return self.fc(self.features(text))
