"""Attention written as a function a method returns (``fn = self.get_attention_fn(); fn(query=q, key=k)``),
its scores made by one of several branches (an ``if``/``elif`` chain over the kind of attention, a key
projected or not, scaled by ``np.sqrt(d)``, through a parameter matrix): the weights still spread over
the padded steps of the keys unless masked."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project import lint

MODEL = """\
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


class Seq2Seq(nn.Module):
    def __init__(self, kind, bidirectional):
        super().__init__()
        self.embedding = nn.Embedding(100, 8, padding_idx=1)
        self.encoder = nn.GRU(8, 16, batch_first=True)
        self.decoder = nn.GRU(8, 16, batch_first=True)
        if bidirectional:
            self.project = nn.Linear(16, 16)
        else:
            self.project = None
        self.matrix = nn.Parameter(torch.randn(16, 16))
        self.kind = kind

    def forward(self, source, target):
        keys, state = self.encoder(self.embedding(source))
        queries, _ = self.decoder(self.embedding(target), state)
        attend = self.attention_fn()
        return attend(query=queries, key=keys, source=source)

    def attention_fn(self):
        def attend(query, key, source):
            if self.project is not None:
                key = self.project(key)
            if self.kind == "dot":
                scores = query @ key.permute(0, 2, 1)
            elif self.kind == "scaled":
                scores = query @ key.permute(0, 2, 1) / np.sqrt(key.size(-1))
            elif self.kind == "general":
                scores = query @ self.matrix @ key.permute(0, 2, 1)
            weights = F.softmax(scores{mask}, dim=-1)
            return torch.cat((query, weights @ key), dim=-1)

        return attend


def collate(batch):
    source, target = zip(*batch)
    return pad_sequence(source, batch_first=True, padding_value=1), pad_sequence(target, batch_first=True)


model = Seq2Seq(KIND, True)
for source, target in DataLoader(pairs, batch_size=16, collate_fn=collate):
    model(source, target).sum().backward()
"""
MASK = ".masked_fill((source == 1).unsqueeze(1), float('-inf'))"


def findings(tmp_path: Path, text: str) -> list[tuple[str, int]]:
    return sorted((finding.code, finding.line) for finding in lint(tmp_path, {"seq2seq.py": text}))


def test_the_weights_of_an_attention_function_over_padded_keys_are_flagged(tmp_path: Path) -> None:
    (softmax,) = [f for f in lint(tmp_path, {"seq2seq.py": MODEL.format(mask="")}) if f.code == "SHP304"]
    assert softmax.line == 38
    assert "padded by `pad_sequence` at line 57" in softmax.message or "`pad_sequence(...)` at" in softmax.message
    assert "as `attend` is called at line 26" in softmax.message


def test_masked_scores_are_not_flagged(tmp_path: Path) -> None:
    assert ("SHP304", 38) not in findings(tmp_path, MODEL.format(mask=MASK))


@pytest.mark.parametrize("kind", ["dot", "scaled", "general"])
def test_each_kind_of_score_alone_is_flagged(tmp_path: Path, kind: str) -> None:
    # One branch taken: its scores, whichever they are, weigh the padded keys.
    text = (
        MODEL.format(mask="")
        .replace("self.kind == ", "kind_is(self.kind) == ")
        .replace(f'kind_is(self.kind) == "{kind}"', "True")
    )
    assert ("SHP304", 38) in findings(tmp_path, text)


def test_a_sequence_scored_against_itself_weighs_its_padded_keys(tmp_path: Path) -> None:
    # `keys @ keys.transpose`: queries and keys are the same steps; the softmax runs over the keys.
    chain = MODEL[MODEL.index('            if self.kind == "dot":') : MODEL.index("            weights =")]
    text = MODEL.replace(chain, "            scores = key @ key.permute(0, 2, 1)\n").format(mask="")
    assert ("SHP304", 33) in findings(tmp_path, text)  # the chain of kinds is one line now
    assert ("SHP304", 33) not in findings(tmp_path, text.replace("(scores, dim", f"(scores{MASK}, dim"))


def test_batches_nothing_pads_give_nothing_to_mask(tmp_path: Path) -> None:
    # Fixed-length samples stacked by the default collate: every step is real.
    collate = MODEL[MODEL.index("def collate(batch):") : MODEL.index("model = Seq2Seq")]
    text = MODEL.replace(collate, "").replace(", collate_fn=collate", "").format(mask="")
    assert findings(tmp_path, text) == []
