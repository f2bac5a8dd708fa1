import torch
import torch.nn as nn
import torch.nn.functional as F

from dataset import PAD_TOKEN


class AttnLSTM(nn.Module):
    def __init__(self, vocab_size, emb_size, hidden_size, n_class):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_size, padding_idx=PAD_TOKEN)
        self.lstm = nn.LSTM(emb_size, hidden_size, batch_first=True)
        self.att = nn.Linear(hidden_size, 1, bias=False)
        self.fc = nn.Linear(hidden_size, n_class)

    def forward(self, text):
        H, _ = self.lstm(self.embedding(text))      # [B, T, h]
        scores = self.att(torch.tanh(H)).squeeze(-1)  # [B, T]
        alpha = F.softmax(scores.masked_fill(text == PAD_TOKEN, float("-inf")), dim=1)
        context = torch.bmm(alpha.unsqueeze(1), H).squeeze(1)
        return self.fc(context)
