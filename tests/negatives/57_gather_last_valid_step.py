"""Correct: on an unpacked, padded batch a unidirectional GRU's output at step
lengths - 1 is unaffected by the padding after it; gather picks that step per sample."""
import torch
import torch.nn as nn


class GatherLastEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True)

    def forward(self, tokens, lengths):
        out, _ = self.gru(self.embedding(tokens))  # (B, T, H), padding included
        idx = (lengths - 1)[:, None, None].expand(-1, 1, out.size(2))  # (B, 1, H)
        return out.gather(1, idx).squeeze(1)  # (B, H): last valid step


if __name__ == "__main__":
    torch.manual_seed(0)
    model = GatherLastEncoder(vocab_size=30, emb_dim=6, hidden=7)
    lengths = torch.tensor([4, 9, 2])
    tokens = torch.randint(1, 30, (3, 9)) * (torch.arange(9) < lengths[:, None])
    last = model(tokens, lengths)
    assert last.shape == (3, 7)
    for b, n in enumerate(lengths.tolist()):
        assert torch.allclose(last[b], model(tokens[b:b + 1, :n], lengths[b:b + 1])[0], atol=1e-6)
    print(tuple(last.shape))
