"""A model whose parts are built in another module than the training loop that feeds it: reached through
a module imported by its name (``from model import layers``, ``layers.Encoder(...)``) and through a
factory that wraps the module's own globals (``enc = Encoder(...)`` ... ``return Seq2Seq(enc, dec)``)."""

from __future__ import annotations

from pathlib import Path

from test_project import lint

LOADER = """\
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


def collate(batch):
    src, trg = zip(*batch)
    return pad_sequence(src, batch_first=True), pad_sequence(trg, batch_first=True)


def make_loader(dataset):
    return DataLoader(dataset, batch_size=32, collate_fn=collate)
"""
LAYERS = """\
import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, vocab, emb, hid):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.GRU(emb, hid, batch_first=True)

    def forward(self, src):
        outputs, hidden = self.rnn(self.embedding(src))
        return outputs, hidden


class Attention(nn.Module):
    def __init__(self, hid):
        super().__init__()
        self.attn = nn.Linear(hid * 2, hid)
        self.v = nn.Linear(hid, 1, bias=False)

    def forward(self, hidden, encoder_outputs, src):
        hidden = hidden[-1].unsqueeze(1).repeat(1, encoder_outputs.size(1), 1)
        energy = torch.tanh(self.attn(torch.cat((hidden, encoder_outputs), dim=2)))
        scores = self.v(energy).squeeze(2){mask}
        return torch.softmax(scores, dim=1)


class Decoder(nn.Module):
    def __init__(self, vocab, emb, hid, attention):
        super().__init__()
        self.attention = attention
        self.embedding = nn.Embedding(vocab, emb)
        self.rnn = nn.GRU(hid + emb, hid, batch_first=True)
        self.fc = nn.Linear(hid, vocab)

    def forward(self, token, hidden, encoder_outputs, src):
        embedded = self.embedding(token.unsqueeze(1))
        weights = self.attention(hidden, encoder_outputs, src).unsqueeze(1)
        context = torch.bmm(weights, encoder_outputs)
        output, hidden = self.rnn(torch.cat((embedded, context), dim=2), hidden)
        return self.fc(output.squeeze(1)), hidden
"""
SEQ2SEQ = """\
import torch
from torch import nn


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src, trg):
        encoder_outputs, hidden = self.encoder(src)
        outputs = []
        for t in range(1, trg.size(1)):
            output, hidden = self.decoder(trg[:, t - 1], hidden, encoder_outputs, src)
            outputs.append(output)
        return torch.stack(outputs, 1)
"""
# The factory reads the module's globals; the training script only calls it.
BUILD = """\
from model import layers, seq2seq

attention = layers.Attention(64)
encoder = layers.Encoder(1000, 32, 64)
decoder = layers.Decoder(1000, 32, 64, attention)


def load_model():
    return seq2seq.Seq2Seq(encoder, decoder)
"""
TRAIN = """\
from data import loader
from model import build

model = build.load_model()


def train(dataset):
    for src, trg in loader.make_loader(dataset):
        model(src, trg).sum().backward()


if __name__ == "__main__":
    train([])
"""
MASKED = ".masked_fill(src == 0, float('-inf'))"


def project(mask: str = "", build: str = BUILD, train: str = TRAIN) -> dict[str, str]:
    return {
        "data/__init__.py": "",
        "data/loader.py": LOADER,
        "model/__init__.py": "",
        "model/layers.py": LAYERS.format(mask=mask),
        "model/seq2seq.py": SEQ2SEQ,
        "model/build.py": build,
        "train.py": train,
    }


def found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int]]:
    return sorted((finding.code, Path(finding.path).name, finding.line) for finding in lint(tmp_path, files))


def test_a_factory_over_its_modules_globals_gives_the_loop_the_whole_model(tmp_path: Path) -> None:
    findings = lint(tmp_path, project())
    assert sorted((f.code, Path(f.path).name, f.line) for f in findings) == [
        ("SHP304", "layers.py", 26),
        ("SHP305", "layers.py", 12),
    ]
    softmax = next(finding for finding in findings if finding.code == "SHP304")
    assert "loader.py:7" in softmax.message  # the padding it rests on


def test_a_masked_attention_built_the_same_way_gives_only_the_encoder_state(tmp_path: Path) -> None:
    assert found(tmp_path, project(mask=MASKED)) == [("SHP305", "layers.py", 12)]


def test_a_module_named_like_a_size_is_a_module(tmp_path: Path) -> None:
    # `layers` names a count of layers by convention; imported as a module of the project, it is that module.
    script = (
        "from data import loader\nfrom model import layers, seq2seq\n\n"
        "model = seq2seq.Seq2Seq(layers.Encoder(1000, 32, 64), layers.Decoder(1000, 32, 64, layers.Attention(64)))\n"
        "for src, trg in loader.make_loader([]):\n    model(src, trg)\n"
    )
    files = project(train=script)
    del files["model/build.py"]
    assert found(tmp_path, files) == [("SHP304", "layers.py", 26), ("SHP305", "layers.py", 12)]


def test_a_factory_whose_globals_are_not_models_gives_nothing(tmp_path: Path) -> None:
    # Globals bound to what is not a construction (a literal, an import) are left alone: no model to run.
    build = "from model import seq2seq\n\nencoder = None\ndecoder = None\n\n\ndef load_model():\n"
    build += "    return seq2seq.Seq2Seq(encoder, decoder)\n"
    assert found(tmp_path, project(build=build)) == []
