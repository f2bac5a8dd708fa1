"""Results of earlier runs, kept as ruff keeps its own: a file's findings are reused while nothing they
rest on has changed.

A file's entry is keyed by shapelint's version, its configuration, its path and text, and a digest of
the project's facts (the index every analysis reads: classes, constructions, options, padding code);
it also records the text of every other file its analysis read (a model's file, for a training
script), and holds only while those are the same. A run whose files all match the last one found
with the same digest skips even the index. Entries are plain JSON, never code, in a folder with its
own `.gitignore`; a cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from shapelint.config import Config
from shapelint.findings import Edit, Finding, Fix
from shapelint.static.project.index import Project

CACHE_DIR = ".shapelint_cache"


def _version() -> str:
    """shapelint's version and a stamp of its own files: neither a new release nor an edited checkout
    reads an older one's entries."""
    package = Path(__file__).resolve().parent.parent
    try:
        release = metadata.version("shapelint")
    except metadata.PackageNotFoundError:
        release = "unreleased"
    stamp = sorted(
        (str(file.relative_to(package)), file.stat().st_size, file.stat().st_mtime_ns) for file in package.rglob("*.py")
    )
    return f"{release}-{_hash(stamp)[:12]}"


class Cache:
    """The cache folder of one run (one subfolder per version), and the digests of the files it has read."""

    def __init__(self, folder: Path) -> None:
        self.root = folder
        self.folder = folder / _version()
        self._digests: dict[str, str] = {}

    def digest(self, path: str) -> str:
        """The text's digest, or "" for a file that cannot be read (it then matches nothing cached)."""
        if path not in self._digests:
            try:
                file = Path(path)
                # Only a regular file is read: a FIFO would wait for a writer forever.
                self._digests[path] = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else ""
            except OSError:
                self._digests[path] = ""
        return self._digests[path]

    # ------------------------------------------------------------ a whole run

    def known_facts(self, files: Iterable[Path]) -> str | None:
        """The facts digest of the last run over exactly these files with these texts, if any."""
        entry = self._read(self._run_key(files))
        return entry.get("facts") if isinstance(entry, dict) else None

    def remember_facts(self, files: Iterable[Path], facts: str) -> None:
        self._write(self._run_key(files), {"facts": facts})

    def _run_key(self, files: Iterable[Path]) -> str:
        return _hash(["run", *sorted((str(file), self.digest(str(file))) for file in files)])

    # ------------------------------------------------------------ one file

    def findings(self, path: Path, config: Config, facts: str) -> list[Finding] | None:
        """The findings kept for ``path``, if nothing they rest on has changed."""
        try:
            return self._findings(path, config, facts)
        except Exception:  # a bug in the cache must not cost the user the run: lint the file again
            return None

    def _findings(self, path: Path, config: Config, facts: str) -> list[Finding] | None:
        entry = self._read(self._file_key(path, config, facts))
        if not isinstance(entry, dict):
            return None
        read = entry.get("read", {})
        if not isinstance(read, dict) or any(self.digest(other) != text for other, text in read.items()):
            return None  # a file its analysis read has changed
        try:
            return [_finding(item) for item in entry["findings"]]
        except (KeyError, TypeError, ValueError):
            return None

    def store(self, path: Path, config: Config, facts: str, findings: list[Finding], read: Iterable[str]) -> None:
        others = {other: self.digest(other) for other in read if other != str(path)}
        entry = {"findings": [finding.as_dict() for finding in findings], "read": others}
        with contextlib.suppress(Exception):  # as in `findings`: the run's results are already safe
            self._write(self._file_key(path, config, facts), entry)

    def _file_key(self, path: Path, config: Config, facts: str) -> str:
        return _hash(["file", str(path), self.digest(str(path)), _canonical(config), facts])

    # ------------------------------------------------------------ storage

    def _read(self, key: str) -> Any:
        try:
            return json.loads((self.folder / key[:2] / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, key: str, entry: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):
            self._prepare()
            folder = self.folder / key[:2]
            folder.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed: a reader sees a whole entry or none, whatever runs beside it.
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    json.dump(entry, file)
                os.replace(temporary, folder / f"{key}.json")
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def _prepare(self) -> None:
        if (self.root / ".gitignore").is_file():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / ".gitignore").write_text("# Automatically created by shapelint.\n*\n", encoding="utf-8")
        (self.root / "CACHEDIR.TAG").write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by shapelint.\n",
            encoding="utf-8",
        )


def facts_digest(project: Project) -> str:
    """What every analysis of the run may read of the project, as one digest (where definitions lie
    in each file is left out: it only decides what that file's own parse blanks)."""
    return _hash(
        [
            [path, _canonical(dataclasses.replace(facts, outline=None))]
            for path, facts in sorted(project.modules.items())
        ]
    )


def clean(folder: Path) -> bool:
    """Remove a cache folder (only one that shapelint made); whether there was one."""
    if not (folder / "CACHEDIR.TAG").is_file():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


def _canonical(value: Any) -> Any:
    """A value as JSON the same way in every process (sets sorted: their order follows string hashing)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, *(_canonical(getattr(value, f.name)) for f in dataclasses.fields(value))]
    if isinstance(value, (frozenset, set)):
        return sorted((_canonical(item) for item in value), key=json.dumps)
    if isinstance(value, dict):
        return sorted(([str(key), _canonical(item)] for key, item in value.items()), key=json.dumps)
    if isinstance(value, (tuple, list)):
        return [_canonical(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)  # an enum member, a path


def _hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, default=repr).encode()).hexdigest()


def _finding(item: dict[str, Any]) -> Finding:
    fix = item.get("fix")
    if fix is not None:
        fix = Fix(fix["title"], tuple(Edit(**edit) for edit in fix["edits"]))
    fields = {key: value for key, value in item.items() if key != "fix"}
    return Finding(**fields, fix=fix)
