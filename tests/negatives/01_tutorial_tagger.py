"""Correct: the PyTorch tutorial tagger; the sentence is 1-D and the batch is 1, so the
views only add or drop a size-1 batch axis."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LSTMTagger(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)  # (len, emb)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        return F.log_softmax(tag_space, dim=1)


if __name__ == "__main__":
    torch.manual_seed(1)
    model = LSTMTagger(embedding_dim=6, hidden_dim=6, vocab_size=9, tagset_size=3)
    sentence = torch.tensor([0, 1, 2, 3, 4])
    tag_scores = model(sentence)
    assert tag_scores.shape == (5, 3)
    assert torch.allclose(tag_scores.exp().sum(1), torch.ones(5))
    print(tuple(tag_scores.shape))
