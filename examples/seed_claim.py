"""The seed answer says `embeds.view(len(sentence), batch_size, -1)` makes "a hopeless learning task". Shown.

Two taggers, identical but for one line, learn a task that needs the recurrence to run
through each sentence: tag every token with the first token of its own sentence (mod 4).
The buggy one "transposes" with `view`, the fixed one with `transpose(0, 1)`. Both train
on the same batches (batch 8, length 12) for 400 steps on the CPU; the script prints each
one's accuracy on held-out batches and writes their learning curves to a PNG.
Usage: python examples/seed_claim.py [--steps N] [--plot PATH] [--threads N]   (the plot needs matplotlib)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from torch import nn

from shapelint.runtime.threads import ENVIRONMENT, tool_threads

VOCAB, CLASSES, BATCH, SEQ = 20, 4, 8, 12


class Tagger(nn.Module):
    def __init__(self, transpose: bool) -> None:
        super().__init__()
        self.transpose = transpose
        self.embedding = nn.Embedding(VOCAB, 16)
        self.lstm = nn.LSTM(16, 32)  # time-major, as in the seed question
        self.tags = nn.Linear(32, CLASSES)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        embeds = self.embedding(tokens)  # (batch, seq, emb)
        batch_size, seq_len = tokens.shape
        x = embeds.transpose(0, 1) if self.transpose else embeds.view(seq_len, batch_size, -1)
        out, _ = self.lstm(x)  # (seq, batch, hidden) as the LSTM sees it
        return self.tags(out).transpose(0, 1)  # (batch, seq, classes)


def batch(generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    tokens = torch.randint(0, VOCAB, (BATCH, SEQ), generator=generator)
    targets = (tokens[:, :1] % CLASSES).expand(BATCH, SEQ)  # each token: its sentence's first token, mod 4
    return tokens, targets


def train(transpose: bool, steps: int) -> tuple[list[float], float]:
    torch.manual_seed(0)
    model = Tagger(transpose)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    data, curve = torch.Generator().manual_seed(1), []
    for _ in range(steps):
        tokens, targets = batch(data)
        loss = nn.functional.cross_entropy(model(tokens).reshape(-1, CLASSES), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        curve.append(loss.item())
    held_out, correct = torch.Generator().manual_seed(2), 0.0
    with torch.no_grad():
        for _ in range(20):
            tokens, targets = batch(held_out)
            correct += (model(tokens).argmax(-1) == targets).float().mean().item() / 20
    return curve, correct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--plot", type=Path, default=Path("seed_claim.png"))
    parser.add_argument(
        "--threads",
        type=int,
        default=tool_threads(),
        help=f"torch threads (default: ${ENVIRONMENT}, else 1: small models run fastest on one)",
    )
    options = parser.parse_args()
    torch.set_num_threads(options.threads)
    results = {"view (buggy)": train(False, options.steps), "transpose (fixed)": train(True, options.steps)}
    for name, (curve, accuracy) in results.items():
        print(f"{name:<18} final loss {sum(curve[-20:]) / 20:.3f}  held-out accuracy {accuracy:.1%}  (chance 25%)")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
    figure, axes = plt.subplots(figsize=(6, 3.5))
    for name, (curve, accuracy) in results.items():
        axes.plot(curve, label=f"{name}: {accuracy:.0%} held-out")
    axes.set(xlabel="training step", ylabel="cross-entropy", title="embeds.view(seq, batch, -1) vs transpose(0, 1)")
    axes.legend()
    figure.tight_layout()
    options.plot.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(options.plot, dpi=120)
    print(f"plot: {options.plot}")


if __name__ == "__main__":
    main()
