"""Training scripts that drive a model defined in another file: the script names no RNN itself, its
functions take the model as an argument, and the model's settings are its constructor defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_project import lint as lint_project

from shapelint.findings import Finding

MODEL = """\
import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, vocab, hidden, n_layers=2, bidirectional={bidirectional}):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        self.gru = nn.GRU(hidden, hidden, n_layers, bidirectional=bidirectional)

    def forward(self, tokens, state=None):
        outputs, state = self.gru(self.embedding(tokens), state)
        return outputs, state


class Decoder(nn.Module):
    def __init__(self, hidden, n_layers=2):
        super().__init__()
        self.n_layers = n_layers
        self.gru = nn.GRU(hidden, hidden, n_layers)
"""

# No word of an RNN, a view or a loader: only the names of the model's classes.
TRAIN = """\
from model import Decoder, Encoder


def first_decoder_state(tokens, encoder, decoder):
    outputs, encoder_state = encoder(tokens)
    return encoder_state[: decoder.n_layers]


def evaluate(encoder, decoder, batches):
    return [first_decoder_state(tokens, encoder, decoder) for tokens in batches]


def main(batches, layers):
    encoder = Encoder(100, 32{encoder})
    decoder = Decoder(32{decoder})
    return evaluate(encoder, decoder, batches)
"""


def lint(tmp_path: Path, bidirectional: bool = True, encoder: str = "", decoder: str = "") -> list[Finding]:
    """``encoder``, ``decoder``: more arguments for their constructions in the script."""
    files = {
        "model.py": MODEL.format(bidirectional=bidirectional),
        "train.py": TRAIN.format(encoder=encoder, decoder=decoder),
    }
    return lint_project(tmp_path, files)


def test_a_script_that_only_names_the_model_is_analysed_through_its_calls(tmp_path: Path) -> None:
    (finding,) = lint(tmp_path)
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP206", "train.py", 6)
    # The RNN lives in the other file, and is placed there.
    assert re.search(r"the bidirectional RNN at \S*model\.py:9,", finding.message)
    # Two layers: the default of `n_layers`, which the construction leaves as it is.
    assert "the first 2 rows" in finding.message


def test_a_unidirectional_encoder_gives_nothing_to_slice_wrongly(tmp_path: Path) -> None:
    assert lint(tmp_path, bidirectional=False) == []


def test_an_argument_that_overrides_the_default_wins(tmp_path: Path) -> None:
    # One layer each: the first row is the forward state, as the code means.
    assert lint(tmp_path, encoder=", n_layers=1", decoder=", 1") == []
    (finding,) = lint(tmp_path, encoder=", 3", decoder=", n_layers=3")
    assert "the first 3 rows" in finding.message
    # A one-layer bidirectional encoder under a two-layer decoder: its two rows are one layer's.
    (finding,) = lint(tmp_path, encoder=", n_layers=1")
    assert "the first 2 rows" in finding.message


def test_a_number_of_layers_nothing_fixes_is_named_as_such(tmp_path: Path) -> None:
    (finding,) = lint(tmp_path, encoder=", n_layers=layers", decoder=", layers")
    assert "takes the first `decoder.n_layers` rows (the number of layers)" in finding.message
    assert "with one layer this is the forward state, but with more" in finding.message


@pytest.mark.parametrize("arguments", [", *layers", ", **layers"])
def test_a_call_with_star_arguments_assumes_no_default(tmp_path: Path, arguments: str) -> None:
    # `bidirectional` itself may be among what the star passes.
    assert lint(tmp_path, encoder=arguments) == []


# The models come out of a factory that returns them as a tuple; the script's top level names
# nothing but its own functions.
FACTORY = """\
from model import Decoder, Encoder


def first_decoder_state(tokens, encoder, decoder):
    outputs, encoder_state = encoder(tokens)
    return encoder_state[: decoder.n_layers]


def build(layers):
    encoder = Encoder(100, 32, n_layers=layers)
    decoder = Decoder(32, layers)
    return encoder, decoder


if __name__ == "__main__":
    encoder, decoder = build({layers})
    for tokens in read_batches():
        print(first_decoder_state(tokens, encoder, decoder))
"""


def test_models_built_by_a_factory_reach_the_functions_they_are_passed_to(tmp_path: Path) -> None:
    files = {"model.py": MODEL.format(bidirectional=True), "evaluate.py": FACTORY.format(layers=2)}
    (finding,) = lint_project(tmp_path, files)
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP206", "evaluate.py", 6)
    assert "the first 2 rows" in finding.message
    assert "as `first_decoder_state` is called at line 18" in finding.message


def test_a_factory_whose_settings_are_right_gives_nothing(tmp_path: Path) -> None:
    # One layer each: the first row of the encoder's state is its forward state, as the code means.
    files = {"model.py": MODEL.format(bidirectional=True), "evaluate.py": FACTORY.format(layers=1)}
    assert lint_project(tmp_path, files) == []
    files = {"model.py": MODEL.format(bidirectional=False), "evaluate.py": FACTORY.format(layers=2)}
    assert lint_project(tmp_path, files) == []


def test_a_script_that_builds_the_models_where_it_calls_its_functions(tmp_path: Path) -> None:
    # `evaluate` names nothing the inference follows; the top level only builds the models and calls it.
    script = TRAIN.split("\n\n\ndef main")[0] + "\n\n\nevaluate(Encoder(100, 32), Decoder(32), read_batches())\n"
    (finding,) = lint_project(tmp_path, {"model.py": MODEL.format(bidirectional=True), "train.py": script})
    assert (finding.code, finding.line) == ("SHP206", 6)
    assert "as `evaluate` is called at line 13" in finding.message


def test_a_factory_in_the_models_file_makes_the_script_that_calls_it_a_driver(tmp_path: Path) -> None:
    # The script names no RNN, no view, no state: only the factory it imports and its own function.
    model = (
        MODEL.format(bidirectional=True)
        + "\n\ndef build(layers):\n    return Encoder(100, 32, layers), Decoder(32, layers)\n"
    )
    script = (
        "from model import build\n\n\ndef first_state(tokens, encoder, decoder):\n    _, state = encoder(tokens)\n"
        "    return state[: decoder.n_layers]\n\n\nencoder, decoder = build(2)\nfirst_state(read(), encoder, decoder)\n"
    )
    (finding,) = lint_project(tmp_path, {"model.py": model, "evaluate.py": script})
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP206", "evaluate.py", 6)


# A command-line option picks one of two models; the same loop trains whichever was built.
WRAPPERS = """\
import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.rnn = nn.GRU(8, 16, batch_first=True)

    def forward(self, tokens):
        outputs, hidden = self.rnn(self.embedding(tokens))
        return outputs, hidden


class AttentionPool(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, tokens):
        outputs, hidden = self.encoder(tokens)
        scores = torch.softmax({scores}, dim=1)
        return (scores.unsqueeze(-1) * outputs).sum(1)


class Tagger(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
        self.fc = nn.Linear(16, 5)

    def forward(self, tokens):
        outputs, hidden = self.encoder(tokens)
        return self.fc(outputs)
"""
CHOOSING_SCRIPT = """\
import sys

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

from model import AttentionPool, Encoder, Tagger


def collate(batch):
    texts, labels = zip(*batch)
    return pad_sequence(texts, batch_first=True), torch.tensor(labels)


if sys.argv[1] == "pool":
    model = AttentionPool(Encoder())
else:
    model = Tagger(Encoder())
for tokens, labels in DataLoader(sys.argv[2], collate_fn=collate):
    print(model(tokens))
"""


def test_a_model_chosen_by_an_option_is_run_as_each_choice(tmp_path: Path) -> None:
    # The attention model is only called after the branches meet: it gets the padded batches there.
    files = {"model.py": WRAPPERS.format(scores="outputs.sum(-1)"), "train.py": CHOOSING_SCRIPT}
    (finding,) = lint_project(tmp_path, files)
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP304", "model.py", 23)
    assert "padded steps" in finding.message
    assert re.search(r"as `forward` is called at \S*train\.py:20\)", finding.message)


def test_each_choice_that_is_right_gives_nothing(tmp_path: Path) -> None:
    masked = "outputs.sum(-1).masked_fill(tokens == 0, float('-inf'))"
    assert lint_project(tmp_path, {"model.py": WRAPPERS.format(scores=masked), "train.py": CHOOSING_SCRIPT}) == []


# A notebook-style script: the model global is bound, moved to a device (bound again), then read by
# the training function that the script's top level calls; the loader comes in by a star import.
REBOUND_SCRIPT = """\
import torch
from torch import nn
from torch.utils.data import DataLoader

from data import *


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.rnn = nn.LSTM(8, 16, batch_first=True)

    def forward(self, tokens):
        out, _ = self.rnn(self.embedding(tokens))
        return out{summary}


model = Classifier()
model = model.to("cpu")


def train(loader):
    for tokens, labels in loader:
        model(tokens)


train(DataLoader(texts, collate_fn=collate))
"""
NOTEBOOK = """\
import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


def collate(batch):
    sources, targets = zip(*batch)
    return pad_sequence(sources, batch_first=True), pad_sequence(targets, batch_first=True)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.rnn = nn.GRU(8, 16, batch_first=True)

    def forward(self, src):
        return self.rnn(self.embedding(src))


class Seq2Seq(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
        self.score = nn.Linear(16, 1)

    def forward(self, src):
        outputs, hidden = self.encoder(src)
        weights = torch.softmax(self.score(outputs).squeeze(-1), dim=1)
        return (weights.unsqueeze(-1) * outputs).sum(1)


model = Seq2Seq(Encoder())
model = model.to("cpu")


def train(loader):
    for src, trg in loader:
        model(src)


train(DataLoader(pairs, batch_size=32, collate_fn=collate))
"""
STAR_DATA = """\
import torch
from torch.nn.utils.rnn import pad_sequence


def collate(batch):
    texts, labels = zip(*batch)
    return pad_sequence(texts, batch_first=True), torch.tensor(labels)
"""


def test_a_global_bound_twice_is_what_the_top_level_bound_when_it_calls(tmp_path: Path) -> None:
    files = {"data.py": STAR_DATA, "train.py": REBOUND_SCRIPT.format(summary=".mean(1)")}
    (finding,) = lint_project(tmp_path, files)
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP302", "train.py", 16)
    # The star import is what makes the loader's padding this model's.
    assert re.search(r"the data pipeline pads the batches: `pad_sequence\(\.\.\.\)` at \S*data\.py:7", finding.message)


def test_a_wrapper_bound_twice_is_run_with_what_it_was_built_from(tmp_path: Path) -> None:
    # Only a call of the object the top level built says what the wrapper's encoder is: its attention
    # then scores the encoder's padded steps.
    (finding,) = lint_project(tmp_path, {"notebook.py": NOTEBOOK})
    assert (finding.code, finding.line) == ("SHP304", 30)
    assert "as `train` is called at " in finding.message


def test_a_global_bound_twice_gives_nothing_when_the_model_is_right(tmp_path: Path) -> None:
    files = {"data.py": STAR_DATA, "train.py": REBOUND_SCRIPT.format(summary="")}
    assert lint_project(tmp_path, files) == []
