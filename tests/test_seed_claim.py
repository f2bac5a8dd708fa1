"""The seed's claim, as a test: with the `view`, the tagger cannot learn; with `transpose(0, 1)` it does."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT

pytest.importorskip("torch")


def test_the_view_makes_a_hopeless_learning_task() -> None:
    spec = importlib.util.spec_from_file_location("seed_claim", ROOT / "examples" / "seed_claim.py")
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    _, buggy = demo.train(transpose=False, steps=400)
    _, fixed = demo.train(transpose=True, steps=400)
    assert fixed > 0.95 and buggy < 0.35  # chance is 0.25
