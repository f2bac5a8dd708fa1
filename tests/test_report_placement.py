"""A finding is placed on the code to change, in the file that holds it: a decoder started from a
padded encoder's final state (SHP305) is reported on the encoder's RNN call, wherever the decoder is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_project import lint

ENCODER = """\
import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.rnn = nn.GRU(8, 16, batch_first=True)

    def forward(self, src):
        outputs, hidden = self.rnn(self.embedding(src)){noqa}
        return outputs, hidden
"""
SEQ2SEQ = """\
import torch
from torch import nn

from encoder import Encoder


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.embedding = nn.Embedding(100, 8)
        self.decoder = nn.GRU(8, 16, batch_first=True)
        self.beam = nn.GRU(8, 16, batch_first=True)

    def forward(self, src, trg):
        _, hidden = self.encoder(src)
        out, _ = self.decoder(self.embedding(trg), hidden)
        best, _ = self.beam(self.embedding(trg), hidden)
        return out, best
"""
COLLATE = """\
import torch
from torch.nn.utils.rnn import pad_sequence


def collate(batch):
    sources, targets = zip(*batch)
    return pad_sequence(sources, batch_first=True), pad_sequence(targets, batch_first=True)
"""
TRAIN = """\
from torch.utils.data import DataLoader

from data import collate
from seq2seq import Seq2Seq


def train(model, pairs):
    for src, trg in DataLoader(pairs, batch_size=32, collate_fn=collate):
        model(src, trg)
"""


def project(encoder: str) -> dict[str, str]:
    return {"encoder.py": encoder, "seq2seq.py": SEQ2SEQ, "data.py": COLLATE, "train.py": TRAIN}


def test_the_encoder_is_reported_in_its_own_file_once(tmp_path: Path) -> None:
    (finding,) = lint(tmp_path, project(ENCODER.format(noqa="")))
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP305", "encoder.py", 12)
    # The call that starts from the state is in the other file, and named there.
    assert re.search(r"starts `self\.decoder\(self\.embedding\(trg\), hidden\)` at \S*seq2seq\.py:17 ", finding.message)
    assert "pack this RNN's input" in finding.message


def test_a_noqa_on_the_encoder_line_silences_it(tmp_path: Path) -> None:
    assert lint(tmp_path, project(ENCODER.format(noqa="  # noqa: SHP305"))) == []


def test_in_one_file_the_decoder_is_named_by_its_line(tmp_path: Path) -> None:
    # Lengths in scope say the batch is padded; both RNNs live in the one module.
    model = (
        "import torch\nfrom torch import nn\n\n\nclass Seq2Seq(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.encoder = nn.GRU(8, 16, batch_first=True)\n"
        "        self.decoder = nn.GRU(8, 16, batch_first=True)\n\n"
        "    def forward(self, src, src_lengths, trg):\n"
        "        _, hidden = self.encoder(src)\n"
        "        return self.decoder(trg, hidden)\n"
    )
    (finding,) = lint(tmp_path, {"model.py": model})
    assert (finding.code, finding.line, finding.column) == ("SHP305", 12, 21)
    assert "(lengths are in scope), and its final state (layers*dirs, batch, hidden) starts " in finding.message
    assert "starts `self.decoder(trg, hidden)` at line 13 as `hidden`: " in finding.message


def test_an_encoder_that_packs_gives_nothing(tmp_path: Path) -> None:
    packed = ENCODER.format(noqa="").replace(
        "outputs, hidden = self.rnn(self.embedding(src))",
        "lengths = (src != 0).sum(1).cpu()\n"
        "        packed = pack_padded_sequence(self.embedding(src), lengths, batch_first=True, enforce_sorted=False)\n"
        "        outputs, hidden = self.rnn(packed)",
    )
    packed = "from torch.nn.utils.rnn import pack_padded_sequence\n" + packed
    assert lint(tmp_path, project(packed)) == []


# A decoder that steps one token at a time, its attention queried with the state it starts from.
STEPPING = """\
import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence


def collate(batch):
    sources, targets = zip(*batch)
    return pad_sequence(sources, batch_first=True), pad_sequence(targets, batch_first=True)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.rnn = nn.GRU(8, 16, batch_first=True)
        self.score = nn.Linear(32, 1)

    def forward(self, token, hidden, keys):
        query = hidden[-1].unsqueeze(1).expand(-1, keys.size(1), -1)
        weights = self.score(torch.cat((query, keys), dim=2)).squeeze(2)
        embedded = self.embedding(token.unsqueeze(1))
        output, hidden = self.rnn(embedded, hidden)
        return output, hidden, weights


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.encoder = nn.GRU(8, 16, batch_first=True)
        self.decoder = Decoder()

    def forward(self, src, trg):
        keys, hidden = self.encoder(self.embedding(src))
        token = trg[:, 0]
        for t in range(1, trg.size(1)):
            output, hidden, weights = self.decoder(token, hidden, keys)
            token = output.argmax(-1).squeeze(1)
        return output
"""


def test_a_padded_state_that_starts_a_stepping_decoder_is_reported_once_at_its_source(tmp_path: Path) -> None:
    # Not again where the attention queries it (`hidden[-1]`), and not on the decoder's own state:
    # each step reads one token, whatever the loop fed it.
    findings = lint(tmp_path, {"seq2seq.py": STEPPING})
    assert [(finding.code, finding.line) for finding in findings] == [("SHP305", 34)]


@pytest.mark.parametrize(
    "packing",
    [
        "if lengths is not None:\n            embedded = pack_padded_sequence(embedded, lengths, batch_first=True)",
        "if lengths is None:\n            pass\n        else:\n"
        "            embedded = pack_padded_sequence(embedded, lengths, batch_first=True)",
    ],
)
def test_an_encoder_that_packs_whenever_lengths_are_given_is_packed(tmp_path: Path, packing: str) -> None:
    model = (
        "from torch import nn\nfrom torch.nn.utils.rnn import pack_padded_sequence\n\n\n"
        "class Seq2Seq(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.encoder = nn.GRU(8, 16, batch_first=True)\n"
        "        self.decoder = nn.GRU(8, 16, batch_first=True)\n\n"
        "    def forward(self, embedded, trg, lengths=None):\n"
        f"        {packing}\n"
        "        _, hidden = self.encoder(embedded)\n        return self.decoder(trg, hidden)\n"
    )
    assert lint(tmp_path, {"model.py": model}) == []
    # Without the packing, the lengths say the batch is padded.
    unpacked = model.replace("pack_padded_sequence(embedded, lengths, batch_first=True)", "embedded")
    assert [finding.code for finding in lint(tmp_path, {"model.py": unpacked})] == ["SHP305"]


UTILS = """\
import torch


def init_state(batch_size, n_layers, hidden_size):
    return torch.zeros({sizes}), torch.zeros({sizes})
"""
TAGGER = """\
from torch import nn

from utils import init_state


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)

    def forward(self, tokens):
        state = init_state(tokens.size(0), 2, 16)
        out, _ = self.lstm(self.embedding(tokens), state)
        return out
"""


@pytest.mark.parametrize(
    ("sizes", "found"), [("batch_size, n_layers, hidden_size", True), ("n_layers, batch_size, hidden_size", False)]
)
def test_an_initial_state_built_in_a_helper_is_reported_there(tmp_path: Path, sizes: str, found: bool) -> None:
    findings = lint(tmp_path, {"utils.py": UTILS.format(sizes=sizes), "tagger.py": TAGGER})
    placed = [(finding.code, Path(finding.path).name, finding.line) for finding in findings]
    assert placed == ([("SHP204", "utils.py", 5)] if found else [])
    if found:
        assert re.search(
            r"that `self\.lstm\(self\.embedding\(tokens\), state\)` at \S*tagger\.py:14 gets", findings[0].message
        )
