import torch.nn as nn


class BiLSTMTagger(nn.Module):
    def __init__(self, n_words, n_tags, emb_dim=8, hidden_dim=10):
        super().__init__()
        self.word_emb = nn.Embedding(n_words, emb_dim, padding_idx=0)
        self.bilstm = nn.LSTM(emb_dim, hidden_dim // 2, bidirectional=True, batch_first=True)
        self.hidden2tag = nn.Linear(hidden_dim, n_tags)

    def forward(self, words):
        embeds = self.word_emb(words)
        lstm_out, _ = self.bilstm(embeds)
        return self.hidden2tag(lstm_out)
