import torch.nn as nn


class StackedGRUClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim=8, hidden_dim=10, num_layers=2, num_classes=3):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.gru = nn.GRU(emb_dim, hidden_dim, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim * num_layers, num_classes)

    def forward(self, input_ids):
        _, hidden = self.gru(self.embedding(input_ids))
        hidden = hidden.view(-1, self.hidden_dim * self.num_layers)
        return self.fc(hidden)
