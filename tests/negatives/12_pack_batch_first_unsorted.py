"""Correct: batch-first tensor packed with batch_first=True and enforce_sorted=False;
lengths stay on the CPU; the unpacked output is batch-first too."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class PackedEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, batch_first=True)

    def forward(self, tokens, lengths):
        embedded = self.embedding(tokens)
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_out, (h_n, c_n) = self.lstm(packed)
        out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=tokens.size(1))
        return out, h_n[-1]  # h_n comes back in the original batch order


if __name__ == "__main__":
    torch.manual_seed(0)
    model = PackedEncoder(vocab_size=25, emb_dim=6, hidden_dim=7)
    lengths = torch.tensor([3, 6, 2])
    tokens = torch.randint(1, 25, (3, 6)) * (torch.arange(6) < lengths.unsqueeze(1))
    out, last = model(tokens, lengths)
    assert out.shape == (3, 6, 7)
    assert torch.allclose(last[0], out[0, 2], atol=1e-6) and out[2, 2:].abs().sum() == 0
    print(tuple(out.shape))
