import torch.nn as nn


class PoetryModel(nn.Module):
    # settings copied from the original repo
    seq_len = 7
    embedding_dim = 8
    hidden_dim = 16
    batch_first = True

    def __init__(self, vocab_size):
        super(PoetryModel, self).__init__()
        self.embeddings = nn.Embedding(vocab_size, self.embedding_dim)
        self.lstm = nn.LSTM(self.embedding_dim, self.hidden_dim, num_layers=1, batch_first=self.batch_first)
        self.linear1 = nn.Linear(self.hidden_dim, vocab_size)

    def forward(self, input, hidden=None):
        embeds = self.embeddings(input)
        output, hidden = self.lstm(embeds, hidden)
        output = self.linear1(output.reshape(-1, self.hidden_dim))
        return output, hidden
