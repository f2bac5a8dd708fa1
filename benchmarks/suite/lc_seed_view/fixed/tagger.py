import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)


class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentences):
        batch_size, seq_len = sentences.shape
        embeds = self.word_embeddings(sentences)
        lstm_out, _ = self.lstm(embeds.transpose(0, 1))
        tag_space = self.hidden2tag(lstm_out.transpose(0, 1))
        tag_scores = F.log_softmax(tag_space, dim=-1)
        return tag_scores
