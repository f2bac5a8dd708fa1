"""Batches padded where they are made: a collate function's `pad_sequence` (also one a factory makes),
a torchtext iterator. Their token ids hold padding, so do their embeddings and what an RNN runs over
them: pooling those over time without a mask takes the padding in, whatever file the model is in."""

from __future__ import annotations

from pathlib import Path

from test_project import lint

from shapelint.findings import Finding

# A bag of embeddings fed by a loader whose collate function a factory makes (`get_collate_fn(pad)`),
# its batches dicts, the loop wrapped in a progress bar.
BAG = """\
import torch
import tqdm
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


def get_collate_fn(pad_index):
    def collate_fn(batch):
        ids = pad_sequence([item["ids"] for item in batch], padding_value=pad_index, batch_first=True)
        return {{"ids": ids, "label": torch.stack([item["label"] for item in batch])}}

    return collate_fn


class Bag(nn.Module):
    def __init__(self, pad_index):
        super().__init__()
        self.embedding = nn.Embedding(100, 8, padding_idx=pad_index)
        self.fc = nn.Linear(8, 2)

    def forward(self, ids):
        embedded = self.embedding(ids)
        return self.fc({pooled})


def train(loader, model):
    for batch in tqdm.tqdm(loader):
        model(batch["ids"]).sum().backward()


loader = DataLoader(dataset, batch_size=32, collate_fn=get_collate_fn(0))
train(loader, Bag(0))
"""
# What a loader's default collate stacks is not known to be padded: fixed-length windows, say.
WINDOWS = BAG.replace("collate_fn=get_collate_fn(0)", "shuffle=True")


def lint_one(tmp_path: Path, name: str, text: str) -> list[Finding]:
    return lint(tmp_path, {name: text})


def test_the_mean_of_padded_embeddings_is_flagged_with_the_padding_it_rests_on(tmp_path: Path) -> None:
    (finding,) = lint_one(tmp_path, "bag.py", BAG.format(pooled="embedded.mean(dim=1)"))
    assert (finding.code, finding.line) == ("SHP302", 24)
    assert "the embedding at line 23 looks up padded tokens" in finding.message
    assert "padded by `pad_sequence` at line 10" in finding.message


def test_masked_or_summed_padded_embeddings_are_not_flagged(tmp_path: Path) -> None:
    masked = "(embedded * (ids != 0).unsqueeze(-1)).sum(1) / (ids != 0).sum(1, keepdim=True)"
    assert lint_one(tmp_path, "bag.py", BAG.format(pooled=masked)) == []
    # The pad token's embedding is zero (`padding_idx`): a sum adds nothing for it.
    assert lint_one(tmp_path, "bag.py", BAG.format(pooled="embedded.sum(dim=1)")) == []


def test_batches_a_default_collate_stacks_are_not_known_to_be_padded(tmp_path: Path) -> None:
    assert lint_one(tmp_path, "bag.py", WINDOWS.format(pooled="embedded.mean(dim=1)")) == []


FASTTEXT = """\
import torch
from torch import nn
from torch.nn import functional as F
from torchtext.legacy import data

TEXT = data.Field(tokenize="spacy"{field})
LABEL = data.LabelField(dtype=torch.float)
train_data, test_data = load_imdb(TEXT, LABEL)
train_iterator, test_iterator = data.BucketIterator.splits((train_data, test_data), batch_size=64)


class FastText(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.fc = nn.Linear(8, 1)

    def forward(self, text):
        embedded = self.embedding(text).permute(1, 0, 2)
        pooled = F.avg_pool2d(embedded, (embedded.shape[1], 1)).squeeze(1)
        return self.fc(pooled)


def train(model, iterator):
    for batch in iterator:
        predictions = model(batch.text)


train(FastText(), train_iterator)
"""


def test_a_torchtext_batch_pooled_whole_as_an_image_is_flagged(tmp_path: Path) -> None:
    # `avg_pool2d` with a window as tall as the time axis and one feature wide: a mean over time.
    (finding,) = lint_one(tmp_path, "fasttext.py", FASTTEXT.format(field=""))
    assert (finding.code, finding.line) == ("SHP302", 20)
    assert "torchtext's iterator at line 9" in finding.message


def test_a_window_narrower_than_the_time_axis_is_no_pooling_over_time(tmp_path: Path) -> None:
    narrow = FASTTEXT.format(field="").replace("(embedded.shape[1], 1)", "(3, 1)")
    assert lint_one(tmp_path, "fasttext.py", narrow) == []


def test_fields_that_pad_in_front_leave_the_last_step_real(tmp_path: Path) -> None:
    # A mean still takes the padding in; the padding's place matters to the last step only.
    (finding,) = lint_one(tmp_path, "fasttext.py", FASTTEXT.format(field=", pad_first=True"))
    assert finding.code == "SHP302"
    last = FASTTEXT.format(field=", pad_first=True").replace(
        "pooled = F.avg_pool2d(embedded, (embedded.shape[1], 1)).squeeze(1)", "pooled = embedded[:, -1]"
    )
    assert lint_one(tmp_path, "fasttext.py", last) == []
    at_end = FASTTEXT.format(field="").replace(
        "pooled = F.avg_pool2d(embedded, (embedded.shape[1], 1)).squeeze(1)", "pooled = embedded[:, -1]"
    )
    assert [finding.code for finding in lint_one(tmp_path, "fasttext.py", at_end)] == ["SHP303"]


# The model in its own file, the padded batches made in the training script: the RNN runs over them.
RNN_MODEL = """\
import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8, padding_idx=0)
        self.rnn = nn.GRU(8, 16, batch_first=True)
        self.score = nn.Linear(16, 1)

    def forward(self, tokens{lengths}):
        embedded = self.embedding(tokens){pack}
        outputs, _ = self.rnn(embedded){unpack}
        weights = torch.softmax(self.score(outputs).squeeze(-1), dim=1)
        return (weights.unsqueeze(-1) * outputs).sum(1)
"""
RNN_TRAIN = """\
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

from model import Classifier


def collate(batch):
    return pad_sequence([tokens for tokens, _ in batch], batch_first=True), [len(t) for t, _ in batch]


model = Classifier()
for tokens, lengths in DataLoader(dataset, batch_size=8, collate_fn=collate):
    model(tokens{lengths}).sum().backward()
"""
PACK = "\n        embedded = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)"
UNPACK = "\n        outputs, _ = pad_packed_sequence(outputs, batch_first=True)"


def test_an_attention_over_an_rnn_run_on_padded_batches_is_flagged(tmp_path: Path) -> None:
    files = {"model.py": RNN_MODEL.format(lengths="", pack="", unpack=""), "train.py": RNN_TRAIN.format(lengths="")}
    (finding,) = lint(tmp_path, files)
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP304", "model.py", 15)
    assert "`pad_sequence(...)` at " in finding.message and "train.py:8)" in finding.message  # its evidence


def test_a_packed_run_is_padded_by_pad_packed_sequence_only(tmp_path: Path) -> None:
    # Packed: the RNN skips the pads; the attention still weighs the zeros `pad_packed_sequence` puts there.
    model = "from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n" + RNN_MODEL.format(
        lengths=", lengths", pack=PACK, unpack=UNPACK
    )
    (finding,) = lint(tmp_path, {"model.py": model, "train.py": RNN_TRAIN.format(lengths=", lengths")})
    assert finding.code == "SHP304" and "`pad_packed_sequence` at line" in finding.message


def test_one_decoder_step_of_a_padded_batch_is_no_padded_run(tmp_path: Path) -> None:
    one_step = RNN_MODEL.format(lengths="", pack="", unpack="").replace(
        "self.embedding(tokens)", "self.embedding(tokens[:, 0].unsqueeze(1))"
    )
    assert lint(tmp_path, {"model.py": one_step, "train.py": RNN_TRAIN.format(lengths="")}) == []


PACKED_TORCHTEXT = """\
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from torchtext.legacy import data

TEXT = data.Field(tokenize="spacy", include_lengths=True)
LABEL = data.LabelField(dtype=torch.float)
train_data, test_data = load_imdb(TEXT, LABEL)
train_iterator, test_iterator = data.BucketIterator.splits((train_data, test_data), batch_size=64)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8, padding_idx=1)
        self.rnn = nn.LSTM(8, 16)
        self.fc = nn.Linear(16, 1)

    def forward(self, text, text_lengths):
        packed = pack_padded_sequence(self.embedding(text), text_lengths.cpu())
        _, (hidden, _) = self.rnn(packed)
        return self.fc(hidden[-1])


def train(model, iterator):
    for batch in iterator:
        text, text_lengths = batch.text
        predictions = model(text, text_lengths)


train(Classifier(), train_iterator)
"""


def test_a_packed_run_over_a_torchtext_batch_has_each_sequence_end_in_its_state(tmp_path: Path) -> None:
    assert lint_one(tmp_path, "classifier.py", PACKED_TORCHTEXT) == []
    unpacked = PACKED_TORCHTEXT.replace(
        "pack_padded_sequence(self.embedding(text), text_lengths.cpu())", "self.embedding(text)"
    )
    assert [finding.code for finding in lint_one(tmp_path, "classifier.py", unpacked)] == ["SHP303"]
