import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class MaxPoolEncoder(nn.Module):
    """InferSent-style BiLSTM-max encoder."""

    def __init__(self, vocab_size, word_dim, enc_dim):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, word_dim, padding_idx=0)
        self.enc_lstm = nn.LSTM(word_dim, enc_dim, bidirectional=True, batch_first=True)

    def _run_lstm(self, sent, sent_len):
        packed = pack_padded_sequence(self.embed(sent), sent_len.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.enc_lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True)
        return out

    def forward(self, sent, sent_len):
        sent_output = self._run_lstm(sent, sent_len)
        pad = torch.arange(sent_output.size(1))[None, :] >= sent_len[:, None]
        emb = torch.max(sent_output.masked_fill(pad.unsqueeze(-1), float("-inf")), 1)[0]
        return emb


class NLINet(nn.Module):
    def __init__(self, vocab_size, word_dim=8, enc_dim=6, n_classes=3):
        super().__init__()
        self.encoder = MaxPoolEncoder(vocab_size, word_dim, enc_dim)
        self.classifier = nn.Linear(4 * 2 * enc_dim, n_classes)

    def forward(self, s1, s1_len, s2, s2_len):
        u = self.encoder(s1, s1_len)
        v = self.encoder(s2, s2_len)
        return self.classifier(torch.cat([u, v, (u - v).abs(), u * v], 1))
