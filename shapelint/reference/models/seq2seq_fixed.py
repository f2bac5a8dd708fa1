"""Fixed: a small encoder-decoder whose bridge reads the bidirectional encoder's forward
and backward final states of the same sample, `torch.cat([h_n[-2], h_n[-1]], dim=-1)`."""

import torch
import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor
from torch.nn.utils.rnn import pack_padded_sequence


class Seq2Seq(nn.Module):
    def __init__(self, vocab_size: int, emb_dim: int, hidden_dim: int, bos_idx: int) -> None:
        super().__init__()
        self.bos_idx = bos_idx
        self.src_embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.encoder = nn.GRU(emb_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden_dim, hidden_dim)
        self.trg_embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.decoder = nn.GRU(emb_dim, hidden_dim, batch_first=True)
        self.out = nn.Linear(hidden_dim, vocab_size)

    def forward(
        self, src: Int[Tensor, "batch src"], src_lengths: Tensor, trg: Int[Tensor, "batch trg"]
    ) -> Float[Tensor, "batch trg vocab"]:
        batch_size, trg_len = trg.shape
        packed = pack_padded_sequence(
            self.src_embedding(src), src_lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, h_n = self.encoder(packed)  # (2, batch, hidden)
        hidden = torch.tanh(self.bridge(torch.cat([h_n[-2], h_n[-1]], dim=-1))).unsqueeze(0)  # (1, batch, hidden)
        step_input = torch.full((batch_size, 1), self.bos_idx, dtype=torch.long, device=trg.device)
        logits = []
        for t in range(trg_len):
            step_out, hidden = self.decoder(self.trg_embedding(step_input), hidden)
            logits.append(self.out(step_out))  # (batch, 1, vocab)
            step_input = trg[:, t : t + 1]  # teacher forcing: the true token comes next
        return torch.cat(logits, dim=1)


def build(batch_size: int, seq_len: int) -> Seq2Seq:
    return Seq2Seq(vocab_size=20, emb_dim=6, hidden_dim=8, bos_idx=1)
