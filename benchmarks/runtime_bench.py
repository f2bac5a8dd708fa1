"""Cost of the runtime tracer on a training step, measured side by side in one run.

Embedding(5000, 128) -> LSTM(128, 256, batch_first=True) -> Linear(256, 5000), batch 32,
seq 50, forward + backward + SGD step on the CPU. Each variant runs the same steps,
interleaved in a shuffled order round by round so that machine noise falls on all of
them alike; the figures are ratios of medians to the plain step.
Usage: python benchmarks/runtime_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import torch
from jaxtyping import Int, jaxtyped
from torch import Tensor, nn

import shapelint


class Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(5000, 128)
        self.lstm = nn.LSTM(128, 256, batch_first=True)
        self.fc = nn.Linear(256, 5000)

    def forward(self, tokens: Int[Tensor, "batch seq"]) -> Tensor:
        out, _ = self.lstm(self.embedding(tokens))
        return self.fc(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    warnings.filterwarnings("ignore", message="Anomaly Detection has been enabled")
    torch.manual_seed(0)
    torch.set_num_threads(1)  # one core each, so variants do not fight over threads
    model = Model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    tokens = torch.randint(0, 5000, (32, 50))
    targets = torch.randint(0, 5000, (32, 50))
    checked = jaxtyped(typechecker=__import__("beartype").beartype)(model.forward)

    def step(forward: Callable[[Tensor], Tensor]) -> None:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(forward(tokens).reshape(-1, 5000), targets.reshape(-1))
        loss.backward()
        optimizer.step()

    def timed(context: Callable[[], AbstractContextManager[object]], forward: Callable[[Tensor], Tensor]) -> float:
        with context():
            start = time.perf_counter()
            step(forward)
            return time.perf_counter() - start

    variants: dict[str, tuple[Callable[[], AbstractContextManager[object]], Callable[[Tensor], Tensor]]] = {
        "plain": (nullcontext, model),
        # A tracer's probe runs once per model (three forwards without gradients), not every step:
        # the steady-state figures leave it out and the first-call line shows it.
        "tracer, hooks only": (lambda: shapelint.trace(provenance=False, probe=False), model),
        "tracer, provenance": (lambda: shapelint.trace(probe=False), model),
        "tracer, provenance, first call with probe": (shapelint.trace, model),
        "tracer, first_n_steps=1 (later steps)": (
            lambda: _warm(shapelint.trace(first_n_steps=1, probe=False), model, tokens),
            model,
        ),
        "jaxtyping + beartype on forward": (nullcontext, checked),
        "torch.autograd.detect_anomaly()": (torch.autograd.detect_anomaly, model),
    }
    for context, forward in variants.values():
        timed(context, forward)  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in variants}
    order = list(variants)
    shuffler = random.Random(0)
    for _ in range(rounds):
        shuffler.shuffle(order)  # no variant always runs right after another
        for name in order:
            context, forward = variants[name]
            samples[name].append(timed(context, forward))
    plain = statistics.median(samples["plain"])
    print(f"training step, batch 32, seq 50, {rounds} rounds, 1 thread; median plain step {plain * 1000:.1f} ms")
    for name, values in samples.items():
        print(f"  {name:<40} {statistics.median(values) / plain:.2f}x")


def _warm(tracer: shapelint.runtime.tracer.Tracer, model: nn.Module, tokens: Tensor) -> AbstractContextManager[object]:
    """A tracer that has already seen its first step and detached: what the rest of a run pays."""
    tracer.__enter__()
    with torch.no_grad():
        model(tokens)
    return _Exiting(tracer)


class _Exiting(AbstractContextManager[object]):
    def __init__(self, tracer: shapelint.runtime.tracer.Tracer) -> None:
        self.tracer = tracer

    def __exit__(self, *exc: object) -> None:
        self.tracer.__exit__()


if __name__ == "__main__":
    main()
