"""`--fix` and `--diff`: apply the rules' repairs to the text, check the result, write it atomically."""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from shapelint.config import Config, Configs
from shapelint.findings import Edit, Finding
from shapelint.static import python_ast
from shapelint.static.discovery import discover
from shapelint.static.engine import lint_source, lint_text
from shapelint.static.notebooks import is_notebook
from shapelint.static.reading import source_encoding

# Fixes can uncover others (a fixed view reveals the tensor after it); a few rounds settle them.
MAX_ROUNDS = 4


@dataclass(frozen=True)
class FileFix:
    """What fixing one file did: the findings repaired, those left, and why it was not written, if so."""

    path: Path
    original: str
    fixed: str
    repaired: tuple[Finding, ...]
    remaining: tuple[Finding, ...]
    not_written: str | None = None

    def diff(self) -> str:
        name = str(self.path)
        lines = difflib.unified_diff(
            self.original.splitlines(keepends=True), self.fixed.splitlines(keepends=True), name, name
        )
        return "".join(lines)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (an edit overlapping an earlier one waits for the next round)."""
    starts = [0]
    for line in python_ast.source_lines(text, keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    chosen: list[tuple[int, int, str]] = []
    for edit in sorted(edits):
        begin, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        if not chosen or begin >= chosen[-1][1]:
            chosen.append((begin, end, edit.replacement))
    for begin, end, replacement in reversed(chosen):
        text = text[:begin] + replacement + text[end:]
    return text


def fix_source(data: bytes, name: str, config: Config) -> FileFix | None:
    """Fix one file's bytes, writing nothing; None when there was nothing to fix (or they do not decode)."""
    try:
        encoding = source_encoding(data)
        original = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError):
        return None  # the lint run reports these
    text, repaired = original, []
    findings = lint_source(data, name, config)
    for _ in range(MAX_ROUNDS):
        fixable = [finding for finding in findings if finding.fix is not None]
        if not fixable:
            break
        candidate = apply_edits(text, [edit for finding in fixable if finding.fix for edit in finding.fix.edits])
        try:
            cst.parse_module(candidate)
        except cst.ParserSyntaxError:
            break  # never write code that does not parse
        repaired.extend(fixable)
        text = candidate
        findings = lint_text(text, name, config)
    if text == original:
        return None
    return FileFix(Path(name), original, text, tuple(repaired), tuple(findings))


def fix_file(path: Path, config: Config, write: bool) -> FileFix | None:
    """Fix one file; None when there was nothing to fix (or it cannot be read or decoded)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None  # the lint run reports it
    outcome = fix_source(data, str(path), config)
    if outcome is None or not write:
        return outcome
    reason = _write_atomically(path, outcome.fixed.encode(source_encoding(data)))
    if reason is not None:
        return FileFix(
            path, outcome.original, outcome.original, (), tuple(lint_source(data, str(path), config)), reason
        )
    return outcome


def fix_paths(
    paths: Sequence[Path], config: Config | Configs, write: bool, respect_gitignore: bool = True
) -> tuple[list[FileFix], list[str]]:
    """Fix the files under ``paths`` (each with its own configuration); notebooks are left alone."""
    configs = config if isinstance(config, Configs) else Configs(config)
    files, missing = discover(paths, configs, respect_gitignore)
    outcomes = [fix_file(file, configs.for_path(file), write) for file in files if not is_notebook(file.name)]
    return [outcome for outcome in outcomes if outcome is not None], missing


def _write_atomically(path: Path, data: bytes) -> str | None:
    """Write through a temporary file and a rename, so an interruption leaves the old file whole.

    A file that is not plainly itself is left alone, with the reason: a symbolic link (its target
    may lie outside the linted tree) and a file with other hard links (a rename would split them).
    The new file keeps the old one's permissions and owner.
    """
    if path.is_symlink():
        return "a symbolic link (fix its target where it lies)"
    info = path.stat()
    if info.st_nlink > 1:
        return "the file has other hard links, which a rewrite would split"
    if not info.st_mode & stat.S_IWUSR:
        return "the file is read-only"
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".shapelint-tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            os.chown(temporary, info.st_uid, info.st_gid)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        return f"cannot write: {error.strerror or error}"
    return None
