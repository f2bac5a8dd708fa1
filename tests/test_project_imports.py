"""Which file an import means: names a package re-exports, and modules of the same name in several
folders of one project (each script imports the one beside it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_project import CLASSIFIER, ENCODE, ENCODER, lint

from shapelint.static.project.index import ClassKey, Project

# Built with `bidirectional=True`, the GRU of ENCODER reads `hidden[-1]` (SHP203); this one never is.
UNIDIRECTIONAL = ENCODER.format(default=False).replace(", bidirectional=bidirectional)", ")")
TRAIN = "from models import Encoder\n\nmodel = Encoder(100, 32, bidirectional=True)\n"


def codes(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    return [(finding.code, Path(finding.path).relative_to(tmp_path).as_posix()) for finding in lint(tmp_path, files)]


# ---------------------------------------------------------------- re-exports


@pytest.mark.parametrize(
    ("init", "all_names", "script"),
    [
        ("from .rnn import Classifier\n", "", "from models import Classifier"),
        ("from models.rnn import Classifier\n", "", "from models import Classifier"),
        ("from .rnn import *\n", "", "from models import Classifier"),
        ("from .rnn import *\n", '__all__ = ["Classifier"]\n', "from models import Classifier"),
        ("from .rnn import Classifier\n", "", "from models import *"),
    ],
)
def test_a_model_imported_through_its_packages_reexport_meets_the_scripts_pipeline(
    tmp_path: Path, init: str, all_names: str, script: str
) -> None:
    """yarengokhn/code_summarization: `scripts/train.py` pads the batches and imports the model through
    `models/__init__.py`; the padding is the pipeline of the module that defines it."""
    files = {
        "models/__init__.py": init,
        "models/rnn.py": all_names + CLASSIFIER.format(summary="out[:, -1]"),
        "encoding.py": ENCODE,
        "train.py": f"{script}\nfrom encoding import encode\n",
    }
    assert codes(tmp_path, files) == [("SHP303", "models/rnn.py")]
    # The script that pads is what connects them: without it, no pipeline of the model's.
    files["train.py"] = f"{script}\n"
    assert codes(tmp_path, files) == []


def test_a_construction_through_a_star_reexport_is_evidence(tmp_path: Path) -> None:
    files = {"models/__init__.py": "from .rnn import *\n", "models/rnn.py": ENCODER.format(default=False)}
    assert codes(tmp_path, {**files, "train.py": TRAIN}) == [("SHP203", "models/rnn.py")]
    # `__all__` leaves it out: `from models import Encoder` cannot mean it.
    files["models/rnn.py"] = '__all__ = ["Decoder"]\n' + files["models/rnn.py"]
    assert codes(tmp_path, {**files, "train.py": TRAIN}) == []


@pytest.mark.parametrize(
    "shadow",
    [
        "from .other import Encoder\n",
        "from .other import Encoder as OtherEncoder\n\nEncoder = OtherEncoder\n",
        "try:\n    from .other import Encoder\nexcept ImportError:\n    pass\n",
        "from .other import *\n",
    ],
)
def test_a_reexport_the_package_rebinds_later_is_not_the_model_built(tmp_path: Path, shadow: str) -> None:
    """`models/__init__.py` re-exports `rnn.Encoder`, then binds the name again: the script builds the
    other one (or, where it is not known which, neither), so `rnn.Encoder` is never built bidirectional."""
    files = {
        "models/__init__.py": "from .rnn import Encoder\n" + shadow,
        "models/rnn.py": ENCODER.format(default=False),
        "models/other.py": UNIDIRECTIONAL,
        "train.py": TRAIN,
    }
    assert codes(tmp_path, files) == []


def test_a_package_module_named_like_a_module_elsewhere(tmp_path: Path) -> None:
    """`models/__init__.py` imports its own `encoder.py`, not the `encoder.py` at the project's root."""
    files = {
        "encoder.py": ENCODER.format(default=False),
        "models/__init__.py": "from .encoder import Encoder\n",
        "models/encoder.py": UNIDIRECTIONAL,
        "train.py": TRAIN,
    }
    assert codes(tmp_path, files) == []
    # A bare `from encoder import ...` in the package means the root's module when run from the root,
    # its own folder's when a script of the package is run there: not known, so no evidence either way.
    files["models/__init__.py"] = "from encoder import Encoder\n"
    assert codes(tmp_path, files) == []
    # The script that imports the root's module builds that one.
    files["train.py"] = TRAIN.replace("from models import", "from encoder import")
    assert codes(tmp_path, files) == [("SHP203", "encoder.py")]


def test_a_module_importing_from_itself_keeps_its_definition(tmp_path: Path) -> None:
    model = ENCODER.format(default=False) + "\n\nif __name__ == '__main__':\n    from model import Encoder\n"
    project = Project.from_sources([(str(tmp_path / "model.py"), model)])
    assert project.resolve(str(tmp_path / "model.py"), "Encoder") == ClassKey(str(tmp_path / "model.py"), "Encoder")


# ---------------------------------------------------------------- same-named modules


@pytest.mark.parametrize("imported", ["*", "Encoder"])
@pytest.mark.parametrize("buggy", ["a", "a/b"])
def test_each_script_builds_the_model_beside_it(tmp_path: Path, imported: str, buggy: str) -> None:
    """JoshWuuu/ChatBot: `main.py` and `model_build.py` in a folder and again in a folder below it.
    Each script builds its own folder's model; the one it builds bidirectional holds the bug, and the
    other, built as it expects, must not be judged by the first one's construction."""
    built = {"a": buggy == "a", "a/b": buggy == "a/b"}
    files = {}
    for folder in ("a", "a/b"):
        files[f"{folder}/model_build.py"] = ENCODER.format(default=not built[folder])
        files[f"{folder}/main.py"] = (
            f"from model_build import {imported}\n\nencoder = Encoder(100, 32, bidirectional={built[folder]})\n"
        )
    assert codes(tmp_path, files) == [("SHP203", f"{buggy}/model_build.py")]


def test_a_script_in_a_subfolder_imports_the_module_above_not_a_deeper_one(tmp_path: Path) -> None:
    """`tools/train.py` puts the root on its path (`sys.path.append('..')`) for `model.py`; the
    `model.py` of `tools/sub/` would need that folder on the path."""
    files = {
        "model.py": ENCODER.format(default=False),
        "tools/sub/model.py": UNIDIRECTIONAL,
        "tools/train.py": TRAIN.replace("from models import", "from model import"),
    }
    assert codes(tmp_path, files) == [("SHP203", "model.py")]


def test_a_name_two_folders_hold_equally_far_is_not_resolved(tmp_path: Path) -> None:
    files = {
        "x/model.py": ENCODER.format(default=False),
        "y/model.py": ENCODER.format(default=False),
        "z/train.py": TRAIN.replace("from models import", "from model import"),
    }
    assert codes(tmp_path, files) == []
