import torch
from torch import nn


class LSTMTagger(nn.Module):
    """POS tagger baseline from the course notebook."""

    embedding_dim = 8
    hidden_dim = 16
    batch_first = False  # TODO check

    def __init__(self, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.word_embeddings = nn.Embedding(vocab_size, self.embedding_dim)
        self.lstm = nn.LSTM(self.embedding_dim, self.hidden_dim, batch_first=self.batch_first)
        self.hidden2tag = nn.Linear(self.hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)  # B x T x E
        lstm_out, _ = self.lstm(embeds)
        tag_space = self.hidden2tag(lstm_out)
        return tag_space
