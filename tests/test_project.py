"""Evidence from the rest of the project: constructor defaults, constructions in other files,
command-line options, and the branches a setting decides."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from shapelint import Config, lint_paths
from shapelint.findings import Finding

ENCODER = """\
import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, vocab, hidden, n_layers=1, bidirectional={default}):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        self.rnn = nn.GRU(hidden, hidden, n_layers, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, tokens):
        _, hidden = self.rnn(self.embedding(tokens))
        return self.fc(hidden[-1])
"""


def lint(tmp_path: Path, files: dict[str, str]) -> list[Finding]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return list(lint_paths([tmp_path], Config()).findings)


def test_a_constructor_default_counts_when_the_project_never_overrides_it(tmp_path: Path) -> None:
    (finding,) = lint(tmp_path, {"model.py": ENCODER.format(default=True)})
    assert finding.code == "SHP203"
    assert "`bidirectional=True` is the default of `Encoder.__init__`" in finding.message
    assert "never constructs `Encoder`" in finding.message


def test_constructions_that_all_override_the_default_win(tmp_path: Path) -> None:
    train = "from model import Encoder\n\nmodel = Encoder(100, 32, bidirectional=False)\n"
    assert lint(tmp_path, {"model.py": ENCODER.format(default=True), "train.py": train}) == []


def test_a_construction_in_another_file_is_evidence(tmp_path: Path) -> None:
    train = "from model import Encoder\n\nmodel = Encoder(100, 32, 2, True)\n"
    (finding,) = lint(tmp_path, {"model.py": ENCODER.format(default=False), "train.py": train})
    assert finding.code == "SHP203" and finding.path.endswith("model.py")
    assert "`Encoder` is built with `bidirectional=True` at " in finding.message
    assert "train.py:3" in finding.message


def test_a_package_construction_through_relative_imports(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "from .encoder import Encoder\n",
        "pkg/encoder.py": ENCODER.format(default=False),
        "run.py": "import pkg\n\nencoder = pkg.Encoder(10, 8, bidirectional=True)\n",
    }
    assert [finding.code for finding in lint(tmp_path, files)] == ["SHP203"]


def test_a_switch_on_the_command_line_is_a_configuration(tmp_path: Path) -> None:
    train = """\
        import argparse
        from model import Encoder

        parser = argparse.ArgumentParser()
        parser.add_argument("--bidirectional", action="store_true")
        args = parser.parse_args()
        model = Encoder(100, 32, bidirectional=args.bidirectional)
    """
    (finding,) = lint(tmp_path, {"model.py": ENCODER.format(default=False), "train.py": train})
    assert "`bidirectional=True` when run with `--bidirectional`" in finding.message


@pytest.mark.parametrize(("default", "found"), [(1, True), (0, False)])
def test_an_option_read_as_a_bool_is_its_truth(tmp_path: Path, default: int, found: bool) -> None:
    train = f"""\
        import argparse
        from model import Encoder

        parser = argparse.ArgumentParser()
        parser.add_argument("--bidirectional", type=int, default={default})
        args = parser.parse_args()
        model = Encoder(100, 32, bidirectional=bool(args.bidirectional))
    """
    findings = lint(tmp_path, {"model.py": ENCODER.format(default=False), "train.py": train})
    said = [(f.code, "`bidirectional=True` is the default of `--bidirectional`" in f.message) for f in findings]
    assert said == ([("SHP203", True)] if found else [])


WORD_LM = """\
import argparse
import torch
import torch.nn as nn


class RNNModel(nn.Module):
    def __init__(self, rnn_type, ntoken, nhid, nlayers):
        super().__init__()
        self.encoder = nn.Embedding(ntoken, nhid)
        self.rnn = getattr(nn, rnn_type)(nhid, nhid, nlayers, bidirectional=True)
        self.decoder = nn.Linear(nhid, ntoken)

    def forward(self, tokens):
        _, hidden = self.rnn(self.encoder(tokens))
        return self.decoder({state})


parser = argparse.ArgumentParser()
parser.add_argument("--model", type=str, default="{default}")
args = parser.parse_args()
model = RNNModel(args.model, 100, 32, 1)
"""


@pytest.mark.parametrize(
    ("state", "expected"), [("hidden[-1]", ["SHP203"]), ("torch.cat([hidden[-2], hidden[-1]], dim=-1)", [])]
)
def test_an_rnn_class_named_by_a_string_option(tmp_path: Path, state: str, expected: list[str]) -> None:
    """`getattr(nn, args.model)`: the class the option names, here a bidirectional GRU."""
    files = {"main.py": WORD_LM.format(default="GRU", state=state)}
    assert [finding.code for finding in lint(tmp_path, files)] == expected


def test_an_unknown_construction_argument_is_no_evidence(tmp_path: Path) -> None:
    train = "from model import Encoder\n\ndef build(flag):\n    return Encoder(100, 32, bidirectional=flag)\n"
    assert lint(tmp_path, {"model.py": ENCODER.format(default=False), "train.py": train}) == []


def test_code_that_branches_on_the_setting_is_judged_per_branch(tmp_path: Path) -> None:
    model = ENCODER.format(default=True).replace(
        "        return self.fc(hidden[-1])\n",
        "        if self.bidirectional:\n"
        "            return self.fc(torch.cat([hidden[-2], hidden[-1]], dim=-1))\n"
        "        return self.fc(hidden[-1])\n",
    )
    model = model.replace(
        "        super().__init__()\n", "        super().__init__()\n        self.bidirectional = bidirectional\n"
    )
    assert lint(tmp_path, {"model.py": model}) == []


def test_a_setting_through_a_conditional_expression(tmp_path: Path) -> None:
    model = (
        ENCODER.format(default=True)
        .replace(
            "        return self.fc(hidden[-1])\n",
            "        return self.fc(hidden.view(self.n_directions * self.n_layers, -1)[0])\n",
        )
        .replace(
            "        super().__init__()\n",
            "        super().__init__()\n        self.n_directions = 2 if bidirectional else 1\n"
            "        self.n_layers = n_layers\n",
        )
    )
    assert lint(tmp_path, {"model.py": model}) == []


def test_a_finding_that_several_configurations_show_is_reported_once(tmp_path: Path) -> None:
    model = ENCODER.format(default=True).replace("hidden[-1]", "hidden.view(hidden.size(1), -1)")
    train = "from model import Encoder\n\na = Encoder(100, 32, n_layers=2, bidirectional=False)\nb = Encoder(100, 32)\n"
    (finding,) = lint(tmp_path, {"model.py": model, "train.py": train})
    assert finding.code == "SHP201" and "train.py:3" in finding.message


CLASSIFIER = """\
import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.rnn = nn.LSTM(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, tokens):
        out, _ = self.rnn(self.embedding(tokens))
        return self.fc({summary})
"""
COLLATE = """\
import torch
from torch.nn.utils.rnn import pad_sequence


def collate(batch):
    texts, labels = zip(*batch)
    return pad_sequence(texts, batch_first=True), torch.tensor(labels)
"""


def test_a_loader_that_pads_makes_the_models_batches_padded(tmp_path: Path) -> None:
    files = {"data.py": COLLATE, "models/rnn.py": CLASSIFIER.format(summary="out[:, -1]")}
    (finding,) = lint(tmp_path, files)
    assert finding.code == "SHP303"
    assert "the data pipeline pads the batches: `pad_sequence(...)` at " in finding.message


def test_pooling_over_pipeline_padding(tmp_path: Path) -> None:
    files = {"data.py": COLLATE, "models/rnn.py": CLASSIFIER.format(summary="out.mean(1)")}
    assert [finding.code for finding in lint(tmp_path, files)] == ["SHP302"]


def test_padding_at_the_front_leaves_the_last_step_real(tmp_path: Path) -> None:
    loader = "from keras.preprocessing.sequence import pad_sequences\n\nX = pad_sequences(texts, maxlen=50)\n"
    files = {"data.py": loader, "models/rnn.py": CLASSIFIER.format(summary="out[:, -1]")}
    assert lint(tmp_path, files) == []


@pytest.mark.parametrize(
    "helper",
    [
        # The project's own `pad_sequences`, imported or defined beside its call: it pads at the end.
        "from utils import pad_sequences\n\nX = pad_sequences(texts, 50)\n",
        "def pad_sequences(seqs, n):\n    return [s + [0] * (n - len(s)) for s in seqs]\n\n\n"
        "X = pad_sequences(texts, 50)\n",
        # Brought by a star import: no import names it, and it is still the project's own.
        "from utils import *\n\nX = pad_sequences(texts, 50)\n",
    ],
)
def test_a_projects_own_pad_sequences_is_not_keras(tmp_path: Path, helper: str) -> None:
    utils = "def pad_sequences(seqs, n):\n    return [s + [0] * (n - len(s)) for s in seqs]\n"
    files = {"utils.py": utils, "data.py": helper, "models/rnn.py": CLASSIFIER.format(summary="out[:, -1]")}
    (finding,) = lint(tmp_path, files)
    assert finding.code == "SHP303" and "keras" not in finding.message


def test_a_sibling_script_or_a_test_is_not_the_models_pipeline(tmp_path: Path) -> None:
    files = {
        "01-tagger/tagger.py": COLLATE,
        "02-classifier/classifier.py": CLASSIFIER.format(summary="out[:, -1]"),
        "tests/test_data.py": "def test_pad():\n    assert [1] + [0] * (3 - len([1])) == [1, 0, 0]\n",
    }
    assert lint(tmp_path, files) == []


def test_a_padded_list_in_the_loader_counts(tmp_path: Path) -> None:
    loader = "def encode(ids, max_len):\n    return ids + [0] * (max_len - len(ids))\n"
    files = {"loader.py": loader, "model.py": CLASSIFIER.format(summary="out[:, -1]") + "\nimport loader\n"}
    (finding,) = lint(tmp_path, files)
    assert "`[0] * (max_len - len(ids))` at " in finding.message


@pytest.mark.parametrize(
    ("loader", "named"),
    [
        (
            "def encode(ids, max_len, pad):\n    while len(ids) < max_len:\n        ids.append(pad)\n    return ids\n",
            "`while len(ids) < max_len: ids.append(...)` at ",
        ),
        (
            "def encode(ids, n, dim):\n    for _ in range(n - len(ids)):\n        ids.append(np.zeros(dim))\n",
            "`for _ in range(n - len(ids)): ids.append(...)` at ",
        ),
        (
            "from itertools import zip_longest\n\n\ndef collate(batch, pad):\n"
            "    return list(zip_longest(*batch, fillvalue=pad))\n",
            "`zip_longest(*..., fillvalue=...)` at ",
        ),
        # A Hugging Face tokenizer asked to pad, in a Dataset.
        (
            "class Texts:\n    def __getitem__(self, i):\n"
            "        return self.tokenizer(self.texts[i], padding='max_length', max_length=64)['input_ids']\n",
            "`self.tokenizer(..., padding=...)` at ",
        ),
        # A filler that says it is padding, however the count is written.
        (
            "def encode(tokens, pad_size):\n    n = len(tokens)\n    return tokens + ['[PAD]'] * (pad_size - 2 - n)\n",
            "`['[PAD]'] * (pad_size - 2 - n)` at ",
        ),
    ],
)
def test_a_loop_or_zip_that_fills_sequences_up_is_padding(tmp_path: Path, loader: str, named: str) -> None:
    files = {"loader.py": loader, "model.py": CLASSIFIER.format(summary="out[:, -1]") + "\nimport loader\n"}
    (finding,) = lint(tmp_path, files)
    assert finding.code == "SHP303"
    assert f"the data pipeline pads the batches: {named}" in finding.message


@pytest.mark.parametrize(
    "loader",
    [
        # A list extended with its own last item, a sample drawn until there are enough, pairs zipped.
        "def schedule(ratios, epochs):\n    while len(ratios) < epochs:\n        ratios.append(ratios[-1])\n",
        "def negatives(words, k):\n    drawn = []\n    while len(drawn) < k:\n"
        "        drawn.append(random.choice(words))\n",
        "from itertools import zip_longest\n\n\ndef pairs(a, b):\n    return list(zip_longest(a, b))\n",
        # A tokenizer that truncates only; an encoder asked to pad is no tokenizer.
        "def encode(tokenizer, text):\n    return tokenizer(text, truncation=True, max_length=64)\n",
        "def features(audio_encoder, wave):\n    return audio_encoder(wave, padding='same')\n",
        # A list of zeros as long as a span: no filler named as padding, no length missing.
        "def blank(start, end):\n    return [0] * (end - start)\n",
    ],
)
def test_a_loop_that_grows_a_list_without_a_filler_is_no_padding(tmp_path: Path, loader: str) -> None:
    files = {"loader.py": loader, "model.py": CLASSIFIER.format(summary="out[:, -1]") + "\nimport loader\n"}
    assert lint(tmp_path, files) == []


def test_a_fill_loop_for_a_model_that_packs_is_no_finding(tmp_path: Path) -> None:
    loader = "def encode(ids, max_len, pad):\n    while len(ids) < max_len:\n        ids.append(pad)\n    return ids\n"
    packing = (
        CLASSIFIER.format(summary="h_n[-1]")
        .replace(
            "out, _ = self.rnn(self.embedding(tokens))",
            "packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)\n"
            "        out, (h_n, _) = self.rnn(packed)",
        )
        .replace("def forward(self, tokens):", "def forward(self, tokens, lengths):")
    )
    packing = "from torch.nn.utils.rnn import pack_padded_sequence\n" + packing
    assert lint(tmp_path, {"loader.py": loader, "model.py": packing + "\nimport loader\n"}) == []


def test_one_decoder_step_reads_no_padding(tmp_path: Path) -> None:
    decoder = CLASSIFIER.format(summary="out[:, -1]").replace(
        "self.embedding(tokens)", "self.embedding(tokens).unsqueeze(1)"
    )
    assert lint(tmp_path, {"data.py": COLLATE, "models/decoder.py": decoder}) == []


def test_a_file_named_twice_is_one_module(tmp_path: Path) -> None:
    from shapelint.static.project.index import Project

    (tmp_path / "model.py").write_text("class Encoder:\n    pass\n")
    (tmp_path / "train.py").write_text("from model import Encoder\n")
    files = [tmp_path / "model.py", tmp_path / "train.py", tmp_path / "." / "model.py"]
    project = Project.from_files(files)
    assert project.resolve_class(str(tmp_path / "train.py"), "Encoder") is not None


def test_a_script_in_a_folder_above_is_no_pipeline_unless_named_like_one(tmp_path: Path) -> None:
    files = {"1 - Tutorial.py": COLLATE, "legacy/classifier.py": CLASSIFIER.format(summary="out[:, -1]")}
    assert lint(tmp_path, files) == []
    files["data_utils.py"] = COLLATE
    assert [finding.code for finding in lint(tmp_path, files)] == ["SHP303"]


ENCODE = """\
import numpy as np


def encode(ids, n=150):
    encoded = np.zeros(n, dtype=int)
    length = min(n, len(ids))
    encoded[:length] = ids[:length]
    return encoded, length
"""


def test_a_loader_that_a_training_script_imports_beside_the_model(tmp_path: Path) -> None:
    """`encode` fills a zeros array up to each length: padding, which the script that imports both
    the model and the encoder brings to the model."""
    train = "from model import Classifier\nfrom encoding import encode\n"
    files = {"encoding.py": ENCODE, "model.py": CLASSIFIER.format(summary="out[:, -1]"), "train.py": train}
    (finding,) = lint(tmp_path, files)
    assert finding.code == "SHP303"
    assert "the data pipeline pads the batches: `encoded[:length]` at " in finding.message
    # Not imported together: a sibling script, no pipeline of the model's.
    files["train.py"] = "from model import Classifier\n"
    assert lint(tmp_path, files) == []


def test_a_window_copied_up_to_a_size_is_not_padding(tmp_path: Path) -> None:
    forecast = "import numpy as np\n\n\ndef forecast(data, seq_len):\n    out = np.zeros(data.shape)\n"
    forecast += "    out[:seq_len] = data[:seq_len]\n    return out\n"
    files = {"forecast.py": forecast, "model.py": CLASSIFIER.format(summary="out[:, -1]") + "\nimport forecast\n"}
    assert lint(tmp_path, files) == []


def test_a_class_named_in_lower_case_is_constructed_too(tmp_path: Path) -> None:
    model = ENCODER.format(default=True).replace("Encoder", "encoder")
    train = "from model import encoder\n\nmodel = encoder(100, 32, bidirectional=False)\n"
    assert lint(tmp_path, {"model.py": model, "train.py": train}) == []
    (finding,) = lint(tmp_path, {"model.py": model, "train.py": train.replace("False", "True")})
    assert "`encoder` is built with `bidirectional=True` at " in finding.message


WRAPPED = """\
from torch import nn


class Classifier(nn.Module):
    def __init__(self, hidden, bidirectional):
        super().__init__()
        self.rnn = nn.GRU(8, hidden, batch_first=True, bidirectional=bidirectional)

    def forward(self, x):
        out, _ = self.rnn(x)
        return out[:, -1]


class Wrapper(nn.Module):
    def __init__(self, hidden, bidirectional=False):
        super().__init__()
        self.inner = Classifier(hidden, bidirectional)
"""


@pytest.mark.parametrize(
    ("construction", "flagged"),
    [
        ("Wrapper(16, bidirectional=True)", True),
        ("Wrapper(16)", False),
        # Two ways, kept apart: only the bidirectional one is flagged, with its own evidence.
        ("Wrapper(16, True)\nother = Wrapper(32, False)", True),
    ],
)
def test_a_setting_passed_on_through_another_classs_init(tmp_path: Path, construction: str, flagged: bool) -> None:
    train = f"from model import Wrapper\n\nmodel = {construction}\n"
    findings = lint(tmp_path, {"model.py": WRAPPED, "train.py": train})
    assert [f.code for f in findings] == (["SHP205"] if flagged else [])
    if flagged:
        assert re.search(r"passed on as `bidirectional` to `Classifier` at \S*model\.py:17\b", findings[0].message)
        assert "train.py:3" in findings[0].message


SLICED_STATE = """\
from torch import nn


class Encoder(nn.Module):
    def __init__(self, hidden, n_layers):
        super().__init__()
        self.n_layers = n_layers
        self.rnn = nn.GRU(8, hidden, n_layers, bidirectional=True)

    def forward(self, x):
        out, h = self.rnn(x)
        return out, h[: self.n_layers]
"""


@pytest.mark.parametrize(
    ("constructions", "message"),
    [
        # One layer everywhere: the slice is the forward state, as written.
        ("Encoder(16, 1)\nEncoder(32, 1)\n", None),
        ("Encoder(16, 1)\nEncoder(32, 2)\n", "takes the first 2 rows of `h`"),
        ("Encoder(16, 1)\nEncoder(32, args.layers)\n", "rows (the number of layers) of `h`"),
    ],
)
def test_a_layer_count_every_construction_fixes_is_judged_by_those(
    tmp_path: Path, constructions: str, message: str | None
) -> None:
    found = lint(tmp_path, {"model.py": SLICED_STATE, "train.py": "from model import Encoder\n" + constructions})
    assert [finding.code for finding in found] == ([] if message is None else ["SHP206"])
    assert message is None or message in found[0].message


SEQ2SEQ = """\
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 16)

    def forward(self, x, lengths):
        out, hidden = self.rnn(pack_padded_sequence(x, lengths))
        out, _ = pad_packed_sequence(out)
        return out, hidden


class Attention(nn.Module):
    def dot(self, hidden, keys, mask):
        return {scores}

    def forward(self, hidden, keys, mask):
        scores = self.dot(hidden, keys, mask).t()
        return torch.softmax(scores, dim=1)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = Attention()
        self.rnn = nn.GRU(16, 16)

    def forward(self, hidden, keys, mask):
        weights = self.attention(hidden[-1], keys, mask)
        context = torch.bmm(weights.unsqueeze(1), keys.transpose(0, 1))
        return self.rnn(context.transpose(0, 1), hidden)
"""
# Four calls deep before the attention's helper: the script, `fit`, `step`, the decoder, the attention.
SEQ2SEQ_TRAIN = """\
from model import Decoder, Encoder


def step(encoder, decoder, x, lengths, mask):
    keys, hidden = encoder(x, lengths)
    return decoder(hidden, keys, mask)


def fit(encoder, decoder, batches):
    for x, lengths, mask in batches:
        step(encoder, decoder, x, lengths, mask)


fit(Encoder(), Decoder(), read_batches())
"""


def test_scores_from_a_helper_method_deep_in_the_calls_keep_their_padding(tmp_path: Path) -> None:
    model = SEQ2SEQ.format(scores="torch.sum(hidden.unsqueeze(0) * keys, dim=2)")
    (finding,) = lint(tmp_path, {"model.py": model, "train.py": SEQ2SEQ_TRAIN})
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP304", "model.py", 23)
    assert "`pad_packed_sequence` at line 13 padded it" in finding.message
    assert re.search(r"as `fit` is called at \S*train\.py:14\)$", finding.message)


def test_a_helper_that_masks_its_scores_gives_nothing(tmp_path: Path) -> None:
    model = SEQ2SEQ.format(scores="torch.sum(hidden.unsqueeze(0) * keys, dim=2).masked_fill(mask == 0, float('-inf'))")
    assert lint(tmp_path, {"model.py": model, "train.py": SEQ2SEQ_TRAIN}) == []


PAD_HELPER = """\
import torch


def pad_batch(seqs, pad_id=0):
    max_len = max(len(s) for s in seqs)
    arr = torch.full((len(seqs), max_len), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        arr[i, : len(s)] = torch.tensor(s)
    return arr, torch.tensor([len(s) for s in seqs])
"""
PACKING_ENCODER = """\
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8, padding_idx=0)
        self.rnn = nn.GRU(8, 12)

    def forward(self, src, src_len):
        packed = pack_padded_sequence(self.embed(src), src_len, {flag}enforce_sorted=False)
        _, hidden = self.rnn(packed)
        return hidden[-1]
"""
PAD_SCRIPT = """\
from model import Encoder
from utils import pad_batch


def run(data):
    src, src_len = pad_batch(data)
    return Encoder()(src, src_len)
"""


@pytest.mark.parametrize(("flag", "expected"), [("", ["SHP301"]), ("batch_first=True, ", [])])
def test_a_padding_helper_in_another_file_gives_its_layout(tmp_path: Path, flag: str, expected: list[str]) -> None:
    """`torch.full((len(seqs), max_len), pad)` filled row by row is a batch-first padded batch: a helper that
    builds one is followed from the script that feeds it to the model, in whatever file it lies."""
    files = {"utils.py": PAD_HELPER, "model.py": PACKING_ENCODER.format(flag=flag), "run.py": PAD_SCRIPT}
    assert [finding.code for finding in lint(tmp_path, files)] == expected


REORDER_HELPER = """\
def to_time_major(x):
    return x.permute(1, 0, 2)
"""
PROJECTED = """\
from torch import nn

from utils import to_time_major


class Projected(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 8)
        self.proj = nn.Linear(8, 8)
        self.lstm = nn.LSTM(8, 12)

    def forward(self, tokens):
        x = to_time_major(self.embedding(tokens)){contiguous}
        seq_len, bsz, _ = x.size()
        x = self.proj(x.view(seq_len * bsz, -1)).view(seq_len, bsz, -1)
        return self.lstm(x)[0]
"""


@pytest.mark.parametrize(("contiguous", "expected"), [("", ["SHP103"]), (".contiguous()", [])])
def test_a_helper_that_permutes_gives_a_non_contiguous_tensor(
    tmp_path: Path, contiguous: str, expected: list[str]
) -> None:
    """Whatever the axes of the embedded tokens mean, `permute(1, 0, 2)` leaves them apart in memory: viewing the
    first two as one raises."""
    files = {"utils.py": REORDER_HELPER, "model.py": PROJECTED.format(contiguous=contiguous)}
    assert [finding.code for finding in lint(tmp_path, files)] == expected


CONFIG_MODULE = "BIDIRECTIONAL = {value}\nCONFIG = {{'bidirectional': {value}, 'hidden': 32}}\n"


@pytest.mark.parametrize(
    ("imports", "argument", "shown"),
    [
        ("import config", "config.BIDIRECTIONAL", "`BIDIRECTIONAL` is True in "),
        ("from config import BIDIRECTIONAL", "BIDIRECTIONAL", "`BIDIRECTIONAL` is True in "),
        ("from config import CONFIG as cfg", "cfg['bidirectional']", "`CONFIG['bidirectional']` is True in "),
    ],
)
@pytest.mark.parametrize("value", [True, False])
def test_a_setting_from_a_config_module(tmp_path: Path, imports: str, argument: str, shown: str, value: bool) -> None:
    """A Python config module's constants, and the entries of its dict of settings, are settings the project
    builds its models with."""
    train = f"{imports}\nfrom model import Encoder\n\nmodel = Encoder(100, 32, bidirectional={argument})\n"
    files = {
        "config.py": CONFIG_MODULE.format(value=value),
        "model.py": ENCODER.format(default=False),
        "train.py": train,
    }
    findings = lint(tmp_path, files)
    assert [(f.code, shown in f.message and "config.py" in f.message) for f in findings] == (
        [("SHP203", True)] if value else []
    )


def test_a_dict_of_settings_in_the_script_itself(tmp_path: Path) -> None:
    train = "from model import Encoder\n\nCONFIG = {'bidirectional': True}\n"
    train += "model = Encoder(100, 32, bidirectional=CONFIG['bidirectional'])\n"
    findings = lint(tmp_path, {"model.py": ENCODER.format(default=False), "train.py": train})
    assert [finding.code for finding in findings] == ["SHP203"]


COMPOSED = """\
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 16)
        self.rnn = nn.GRU(16, 32)

    def forward(self, src):
        return self.rnn(self.embedding(src))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 16)
        self.rnn = nn.GRU(16, 32)

    def forward(self, tgt, start):
        return self.rnn(self.embedding(tgt), start)


class Translator(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, src, tgt):
        _, last = self.encoder(src)
        words, _ = self.decoder(tgt, last)
        return words
"""
COMPOSED_SCRIPT = """\
from torch.utils.data import DataLoader

from data import collate
from model import Decoder, Encoder, Translator

model = Translator(Encoder(), Decoder())
for src, tgt in DataLoader([], batch_size=2, collate_fn=collate):
    model(src, tgt)
"""


def test_a_model_built_from_models_is_followed_whatever_its_words(tmp_path: Path) -> None:
    """`Translator` names no RNN, state or embedding, but is built from two models that run RNNs: the script's
    padded batches reach the encoder through it."""
    files = {"data.py": COLLATE.replace(", batch_first=True", ""), "model.py": COMPOSED, "train.py": COMPOSED_SCRIPT}
    (finding,) = lint(tmp_path, files)
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP305", "model.py", 11)
