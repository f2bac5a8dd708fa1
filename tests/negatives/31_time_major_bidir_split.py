"""Correct: view(seq_len, batch_size, 2, H) of a time-major bidirectional output keeps
(time, batch) in place and splits the feature axis into the two directions."""
import torch
import torch.nn as nn
from jaxtyping import Float, Int
from torch import Tensor


class BiEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.hidden = hidden
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.rnn = nn.GRU(emb_dim, hidden, bidirectional=True)

    def forward(self, src: Int[Tensor, "seq batch"]) -> Float[Tensor, "seq batch hidden"]:
        seq_len, batch_size = src.shape
        outputs, _ = self.rnn(self.embedding(src))  # (T, B, 2H)
        outputs = outputs.view(seq_len, batch_size, 2, self.hidden)
        return outputs.sum(dim=2)  # sum the directions, as in the PyTorch chatbot tutorial


if __name__ == "__main__":
    torch.manual_seed(0)
    model = BiEncoder(vocab_size=30, emb_dim=6, hidden=5)
    src = torch.randint(0, 30, (7, 3))
    out = model(src)
    assert out.shape == (7, 3, 5)
    assert torch.allclose(out[:, 1], model(src[:, 1:2])[:, 0], atol=1e-6)
    print(tuple(out.shape))
