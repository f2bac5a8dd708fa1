import torch
import torch.nn as nn


class SentimentGRU(nn.Module):
    # hyper-params live on the class so the notebook can tweak them in one place
    HIDDEN = 12
    LAYERS = 1
    BIDIRECTIONAL = True
    DROPOUT = 0.0

    def __init__(self, vocab_size, emb_dim, n_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.gru = nn.GRU(emb_dim, self.HIDDEN, num_layers=self.LAYERS,
                          bidirectional=self.BIDIRECTIONAL, batch_first=True)
        self.fc = nn.Linear(self.HIDDEN * 2, n_classes)
        self.drop = nn.Dropout(self.DROPOUT)

    def forward(self, text):
        # text = [batch size, sent len]
        embedded = self.drop(self.embedding(text))
        output, hidden = self.gru(embedded)
        # hidden = [n layers * n directions, batch size, hid dim]
        hidden = self.drop(torch.cat((hidden[-2], hidden[-1]), dim=1))
        return self.fc(hidden)
