"""The layout a training loop gives its model: batches of a `DataLoader` are batch-first."""

from __future__ import annotations

import textwrap
from pathlib import Path

from shapelint import Config, lint_paths
from shapelint.findings import Finding

MODEL = """\
import torch
from torch import nn


class Tagger(nn.Module):
    def __init__(self, vocab, dim, hidden, tags):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden{batch_first})
        self.out = nn.Linear(hidden, tags)

    def forward(self, sentence):
        embeds = self.embedding(sentence)
        lstm_out, _ = self.lstm(embeds)
        return self.out(lstm_out)
"""

TRAIN = """\
import torch
from torch.utils.data import DataLoader, TensorDataset

from model import Tagger


def train(model, loader, optimiser):
    for epoch in range(10):
        for i, (tokens, tags) in enumerate(loader):
            scores = model({tokens})
            scores.sum().backward()
            optimiser.step()


def main():
    data = TensorDataset(torch.randint(0, 100, (640, 20)), torch.randint(0, 5, (640, 20)))
    loader = DataLoader(data{loader})
    model = Tagger(100, 16, 32, 5)
    train(model, loader, torch.optim.SGD(model.parameters(), lr=0.1))


if __name__ == "__main__":
    main()
"""


def lint(
    tmp_path: Path, batch_first: str = "", tokens: str = "tokens.to('cpu')", loader: str = ", 32"
) -> list[Finding]:
    files = {
        "model.py": MODEL.format(batch_first=batch_first),
        "train.py": TRAIN.format(tokens=tokens, loader=loader),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return list(lint_paths([tmp_path], Config()).findings)


def test_loader_batches_fed_to_a_time_major_rnn_in_another_file(tmp_path: Path) -> None:
    (finding,) = lint(tmp_path)
    assert (finding.code, Path(finding.path).name, finding.line) == ("SHP105", "model.py", 14)
    evidence = finding.message.split("(evidence: ")[1]
    assert evidence.startswith("the batches come from the `DataLoader` at ")
    assert "train.py:17, whose default collate puts the batch first" in evidence
    assert "as `forward` is called at " in evidence and "train.py:10;" in evidence
    assert "as `train` is called at " in evidence and evidence.endswith("train.py:19)")


def test_the_finding_is_the_same_when_the_loader_is_a_keyword_batch(tmp_path: Path) -> None:
    (finding,) = lint(tmp_path, loader=", batch_size=32, shuffle=True")
    assert finding.code == "SHP105"


def test_a_batch_first_rnn_is_right(tmp_path: Path) -> None:
    assert lint(tmp_path, batch_first=", batch_first=True") == []


def test_a_loop_that_transposes_the_batch_is_right(tmp_path: Path) -> None:
    assert lint(tmp_path, tokens="tokens.t()") == []
    assert lint(tmp_path, tokens="tokens.transpose(0, 1).to('cpu')") == []


def test_a_collate_of_its_own_decides_the_layout(tmp_path: Path) -> None:
    # `pad_sequence` without `batch_first` pads time-major: the default collate's layout does not hold.
    assert lint(tmp_path, loader=", 32, collate_fn=lambda batch: batch") == []


def test_a_loader_that_does_not_batch(tmp_path: Path) -> None:
    assert lint(tmp_path, loader=", batch_size=None") == []


def test_a_sample_picked_out_of_the_batch_is_not_a_batch(tmp_path: Path) -> None:
    assert lint(tmp_path, tokens="tokens[0]") == []


def test_linting_the_model_alone_knows_nothing_of_the_loader(tmp_path: Path) -> None:
    lint(tmp_path)
    assert list(lint_paths([tmp_path / "model.py"], Config()).findings) == []


SCRIPT = """\
import torch
from torch import nn
from torch.utils.data import DataLoader


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.rnn = nn.GRU(8, 16)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        out, _ = self.rnn(self.embedding(x))
        return self.fc(out[{last}])


model = Classifier()
loader = DataLoader(list(zip(torch.randint(0, 100, (64, 12)), torch.randint(0, 2, (64,)))), batch_size=8)
for batch in loader:
    logits = model(batch[0])
"""


def test_a_script_whose_loop_feeds_its_own_model(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text(SCRIPT.format(last="-1"))
    codes = sorted(finding.code for finding in lint_paths([tmp_path], Config()).findings)
    assert codes == ["SHP105"]


def test_findings_through_a_call_are_reported_once(tmp_path: Path) -> None:
    """The model's file reached from two training files: one finding, the shorter evidence kept."""
    lint(tmp_path)
    (tmp_path / "finetune.py").write_text((tmp_path / "train.py").read_text())
    (finding,) = lint_paths([tmp_path], Config()).findings
    assert finding.code == "SHP105"


COLLATED = """\
import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


def collate(samples):
    texts = [text for text, _ in samples]
    labels = torch.tensor([label for _, label in samples])
    return pad_sequence(texts{pad_options}), labels


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8, padding_idx=0)
        self.rnn = nn.GRU(8, 16{rnn_options})
        self.fc = nn.Linear(16, 2)

    def forward(self, texts):
        out, _ = self.rnn(self.embedding(texts))
        return self.fc(out)


def train(samples):
    model = Classifier()
    for texts, labels in DataLoader(samples, batch_size=16, collate_fn=collate):
        model(texts)
"""


def lint_collated(tmp_path: Path, pad_options: str, rnn_options: str) -> list[Finding]:
    (tmp_path / "classify.py").write_text(COLLATED.format(pad_options=pad_options, rnn_options=rnn_options))
    return list(lint_paths([tmp_path], Config()).findings)


def test_a_collate_that_pads_time_major_feeding_a_batch_first_rnn(tmp_path: Path) -> None:
    (finding,) = lint_collated(tmp_path, "", ", batch_first=True")
    assert finding.code == "SHP105" and finding.line == 21
    assert "padded by `pad_sequence` at " in finding.message and "classify.py:10, time-major" in finding.message


def test_a_collate_that_pads_batch_first_feeding_a_time_major_rnn(tmp_path: Path) -> None:
    (finding,) = lint_collated(tmp_path, ", batch_first=True", "")
    assert finding.code == "SHP105"
    assert "padded by `pad_sequence` at " in finding.message and "classify.py:10, batch-first" in finding.message


def test_a_collate_whose_layout_matches_the_rnn(tmp_path: Path) -> None:
    assert lint_collated(tmp_path, "", "") == []
    assert lint_collated(tmp_path, ", batch_first=True", ", batch_first=True") == []
    assert lint_collated(tmp_path, ", padding_value=0, batch_first=flag", ", batch_first=True") == []


TORCHTEXT = """\
import torch
from torch import nn
from torchtext.legacy import data

TEXT = data.Field(tokenize="spacy"{field})
LABEL = data.LabelField(dtype=torch.float)
train_data, test_data = load_imdb(TEXT, LABEL)
train_iterator, test_iterator = data.BucketIterator.splits((train_data, test_data), batch_size=64)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.rnn = nn.RNN(8, 16{rnn})
        self.fc = nn.Linear(16, 1)

    def forward(self, text):
        output, hidden = self.rnn(self.embedding(text))
        return self.fc(output)


def train(model, iterator):
    for batch in iterator:
        predictions = model(batch.text)


model = Classifier().to("cpu")
train(model, train_iterator)
"""


def lint_torchtext(tmp_path: Path, field: str, rnn: str) -> list[Finding]:
    (tmp_path / "sentiment.py").write_text(TORCHTEXT.format(field=field, rnn=rnn))
    return list(lint_paths([tmp_path], Config()).findings)


def test_torchtext_batches_are_time_major_unless_the_field_says_otherwise(tmp_path: Path) -> None:
    (finding,) = lint_torchtext(tmp_path, "", ", batch_first=True")
    assert finding.code == "SHP105" and finding.line == 19
    assert "torchtext's iterator at " in finding.message and "over `Field`s that are time-major" in finding.message
    (finding,) = lint_torchtext(tmp_path, ", batch_first=True", "")
    assert "over `Field`s that are batch-first" in finding.message


def test_torchtext_batches_that_match_the_rnn(tmp_path: Path) -> None:
    assert lint_torchtext(tmp_path, "", "") == []
    assert lint_torchtext(tmp_path, ", batch_first=True", ", batch_first=True") == []


def test_fields_that_disagree_say_nothing(tmp_path: Path) -> None:
    # Two text fields, one batch-first: which one `batch.text` is, the module does not say.
    disagreeing = ", batch_first=True)\nOTHER = data.Field(lower=True"
    assert lint_torchtext(tmp_path, disagreeing, "") == []
    assert lint_torchtext(tmp_path, ", batch_first=flag", "") == []


def test_sizes_of_a_batch_say_what_its_axes_count(tmp_path: Path) -> None:
    """`sentence.size(1)` of a batch-first batch of token ids is its time steps: a view of the embedded batch
    to (size(1), size(0), -1) re-cuts it instead of moving its axes; in their own order the sizes change nothing."""
    swapped = "self.lstm(embeds.view(sentence.size(1), sentence.size(0), -1))"
    (tmp_path / "model.py").write_text(MODEL.format(batch_first="").replace("self.lstm(embeds)", swapped))
    (tmp_path / "train.py").write_text(TRAIN.format(tokens="tokens", loader=", 32"))
    assert [finding.code for finding in lint_paths([tmp_path], Config()).findings] == ["SHP101"]
    kept = "self.lstm(embeds.view(sentence.size(0), sentence.size(1), -1))"
    (tmp_path / "model.py").write_text(
        MODEL.format(batch_first=", batch_first=True").replace("self.lstm(embeds)", kept)
    )
    assert list(lint_paths([tmp_path], Config()).findings) == []
