import torch
import torch.nn as nn

from data import PAD_IDX


class MeanPoolLSTM(nn.Module):
    def __init__(self, vocab_size, emb_dim, hid_dim, n_labels):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=PAD_IDX)
        self.lstm = nn.LSTM(emb_dim, hid_dim, batch_first=True)
        self.clf = nn.Linear(hid_dim, n_labels)

    def forward(self, text):
        out, _ = self.lstm(self.emb(text))
        # average the hidden states over the words
        mask = (text != PAD_IDX).unsqueeze(-1).float()
        pooled = (out * mask).sum(dim=1) / mask.sum(dim=1)
        return self.clf(pooled)
