"""Jupyter notebooks: code cells are linted as one script and findings point at `cell N:line`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from shapelint import Config, lint_paths
from shapelint.static.notebooks import NotANotebook, read_notebook

CELLS = [
    ("markdown", "# A tagger\nSome words."),
    ("code", "%matplotlib inline\n!pip install torch\nimport torch\nfrom torch import nn"),
    (
        "code",
        "class Encoder(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)\n"
        "\n"
        "    def forward(self, x):\n"
        "        out, hidden = self.rnn(x)\n"
        "        return hidden[-1]",
    ),
    ("code", "%%bash\necho this is not Python ("),
    ("code", "files = !ls\nencoder = Encoder()\nencoder?"),
]


def notebook(cells: list[tuple[str, str]], language: str = "python") -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {"language_info": {"name": language}},
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
                for kind, source in cells
            ],
        }
    )


def test_a_finding_is_placed_in_its_code_cell(tmp_path: Path) -> None:
    (tmp_path / "tagger.ipynb").write_text(notebook(CELLS))
    (finding,) = lint_paths([tmp_path], Config()).findings
    assert (finding.code, finding.cell, finding.line, finding.column) == ("SHP203", 2, 8, 16)
    assert "the bidirectional RNN at cell 2, line 4" in finding.message
    assert finding.fix is None  # a repair is written for a .py file, not into a cell


def test_text_json_and_sarif_say_the_cell(tmp_path: Path) -> None:
    (tmp_path / "tagger.ipynb").write_text(notebook(CELLS))
    text = run_cli("check", str(tmp_path / "tagger.ipynb"))
    assert f"{tmp_path / 'tagger.ipynb'}:cell 2:8:16: SHP203 " in text.stdout
    (found,) = json.loads(run_cli("check", "--format", "json", str(tmp_path)).stdout)
    assert (found["cell"], found["line"], found["column"]) == (2, 8, 16)
    sarif = json.loads(run_cli("check", "--format", "sarif", str(tmp_path)).stdout)
    (result,) = sarif["runs"][0]["results"]
    assert result["properties"] == {"cell": 2}
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 8
    assert result["message"]["text"].startswith("cell 2: ")


def test_evidence_from_another_cell_names_that_cell(tmp_path: Path) -> None:
    cells = [
        ("code", "import torch\nfrom torch import nn"),
        (
            "code",
            "class Encoder(nn.Module):\n"
            "    def __init__(self, bidirectional=False):\n"
            "        super().__init__()\n"
            "        self.rnn = nn.GRU(8, 16, bidirectional=bidirectional)\n"
            "\n"
            "    def forward(self, x):\n"
            "        out, hidden = self.rnn(x)\n"
            "        return hidden[-1]",
        ),
        ("code", "encoder = Encoder(bidirectional=True)"),
    ]
    (tmp_path / "model.ipynb").write_text(notebook(cells))
    (finding,) = lint_paths([tmp_path], Config()).findings
    assert "`Encoder` is built with `bidirectional=True` at " in finding.message
    assert finding.message.endswith("model.ipynb:cell 3:1)")


def test_a_notebook_of_another_language_is_not_python(tmp_path: Path) -> None:
    (tmp_path / "analysis.ipynb").write_text(notebook(CELLS, language="R"))
    run = lint_paths([tmp_path], Config())
    assert run.findings == () and run.files_checked == 1


def test_magics_keep_their_place_and_what_they_bind() -> None:
    read = read_notebook(notebook(CELLS))
    lines = read.text.splitlines()
    assert lines[:2] == ["pass", "pass"]  # a line magic, a shell escape
    assert read.place(lines.index("files = None") + 1) == (4, 1)
    assert read.place(len(lines)) == (4, 3)
    assert "echo" not in read.text  # a cell magic's cell is not Python


def test_broken_notebooks_become_findings_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a_truncated.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "x =')
    (tmp_path / "b_not_a_notebook.ipynb").write_text('{"nbformat": 4}')
    (tmp_path / "c_tagger.ipynb").write_text(notebook(CELLS))
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "a_truncated.ipynb:1:1: SHP001 cannot read the notebook: not valid JSON" in result.stdout
    assert "b_not_a_notebook.ipynb:1:1: SHP001 cannot read the notebook: not a Jupyter notebook" in result.stdout
    assert "c_tagger.ipynb:cell 2:8:16: SHP203" in result.stdout


def test_checkpoints_are_not_linted_and_fix_leaves_notebooks_alone(tmp_path: Path) -> None:
    text = notebook(CELLS)
    (tmp_path / "tagger.ipynb").write_text(text)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "tagger-checkpoint.ipynb").write_text(text)
    assert len(lint_paths([tmp_path], Config()).findings) == 1
    run_cli("check", "--fix", str(tmp_path))
    assert (tmp_path / "tagger.ipynb").read_text() == text


def test_automagics_without_their_percent_sign_are_not_python() -> None:
    cells = [("code", "cd drive/My\\ Drive\nls\npip install torch\nls = [1]\ntime.sleep(1)\nrun(model)")]
    assert read_notebook(notebook(cells)).text.splitlines() == [
        *("pass", "pass", "pass", "ls = [1]", "time.sleep(1)", "run(model)")
    ]


def test_a_version_3_notebook_keeps_its_cells_in_worksheets() -> None:
    old = {"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1\n"}]}]}
    assert read_notebook(json.dumps(old)).text == "x = 1\n"
    try:
        read_notebook("[]")
    except NotANotebook as error:
        assert "no list of `cells`" in str(error)
    else:
        raise AssertionError("a JSON list is not a notebook")


def test_explain_takes_the_place_a_finding_gives(tmp_path: Path) -> None:
    (tmp_path / "tagger.ipynb").write_text(notebook(CELLS))
    result = run_cli("explain", "tagger.ipynb:cell 2:8", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("tagger.ipynb:cell 2:8: return hidden[-1]\n")
    assert "finding SHP203" in result.stdout
    missing = run_cli("explain", "tagger.ipynb:cell 9:1", cwd=tmp_path)
    assert missing.returncode == 2 and "no such line in the code cells" in missing.stderr


def test_a_line_that_continues_a_statement_is_no_magic_even_with_a_percent_sign() -> None:
    cells = [
        (
            "code",
            "print('%d of %d steps'\n      % (step, total))\nnote = '''\n!not a shell escape\n'''\n"
            "total = step + \\\n    %ls\n%matplotlib inline",
        )
    ]
    lines = read_notebook(notebook(cells)).text.splitlines()
    assert lines[1] == "      % (step, total))"
    assert lines[3] == "!not a shell escape"
    assert lines[6] == "    %ls"  # Python refuses it, as IPython does: the parse says so at its line
    assert lines[7] == "pass"


def test_after_code_python_refuses_each_line_is_read_on_its_own() -> None:
    cells = [("code", "if ready:\n  a = 1\n    b = 2\n%time run()\n!ls")]
    assert read_notebook(notebook(cells)).text.splitlines() == ["if ready:", "  a = 1", "    b = 2", "pass", "pass"]


def test_a_comment_that_asks_a_question_is_a_comment(tmp_path: Path) -> None:
    # IPython's help query is a trailing `?` token; one in a comment leaves the line as Python.
    cells = [
        ("code", "import torch\nfrom torch import nn"),
        (
            "code",
            "class Encoder(nn.Module):\n"
            "    def __init__(self):  # which sizes?\n"
            "        super().__init__()\n"
            "        self.rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)\n"
            "\n"
            "    def forward(self, x):  # why not packed?\n"
            "        out, hidden = self.rnn(x)\n"
            "        return hidden[-1]",
        ),
        ("code", "encoder = Encoder()\nencoder.forward?"),
    ]
    (tmp_path / "tagger.ipynb").write_text(notebook(cells))
    (finding,) = lint_paths([tmp_path], Config()).findings
    assert (finding.code, finding.cell, finding.line) == ("SHP203", 2, 8)
