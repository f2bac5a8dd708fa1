import torch
import torch.nn as nn

from data import PAD


class IntentClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim=8, hidden_dim=12, num_intents=3):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, num_intents)

    def forward(self, x):
        lstm_out, _ = self.lstm(self.embedding(x))
        last_hidden = lstm_out[torch.arange(x.size(0)), (x != PAD).sum(1) - 1]  # output at each sentence's last word
        return self.fc(last_hidden)
