"""Which files a run checks: Python files and notebooks under the given paths, minus skipped folders,
excludes and what git ignores."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pathspec

from shapelint.config import Config, Configs, matches_path

# Folders no user means to lint: version control, environments, builds and caches.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".env",
        "env",
        ".tox",
        ".nox",
        "build",
        "dist",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".ipynb_checkpoints",
        "node_modules",
        "site-packages",
        "__pypackages__",
    }
)
PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")


def discover(
    paths: Sequence[Path], configs: Config | Configs, respect_gitignore: bool = True, force_exclude: bool = False
) -> tuple[list[Path], list[str]]:
    """Files to check (in a stable order) and the given paths that do not exist.

    Folders are walked, skipping what their configuration excludes and, unless told otherwise, what
    `.gitignore` files ignore. A file named explicitly is checked whatever its suffix (pre-commit
    passes names), and whatever excludes say unless ``force_exclude``, as in ruff.
    """
    resolver = configs if isinstance(configs, Configs) else Configs(configs)
    ignored = _GitIgnored() if respect_gitignore else None
    files: list[Path] = []
    missing: list[str] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found: Iterable[Path] = _walk(path, resolver, ignored)
        elif path.exists() or path.is_symlink():
            skipped = force_exclude and (_excluded_named(path, resolver) or (ignored is not None and ignored(path)))
            found = [] if skipped else [path]
        else:
            missing.append(str(path))
            continue
        for file in found:
            key = file.resolve() if not file.is_symlink() else file.absolute()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files, missing


def _walk(root: Path, configs: Configs, ignored: _GitIgnored | None) -> Iterable[Path]:
    for folder, subfolders, names in os.walk(root):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in SKIPPED_FOLDERS
            and not name.endswith(".egg-info")
            and not _excluded(here / name, configs)
            and not (ignored is not None and ignored(here / name, folder=True))
        )
        for name in sorted(names):
            file = here / name
            if not name.endswith(PYTHON_SUFFIXES) or _special(file) or _excluded(file, configs):
                continue
            if ignored is None or not ignored(file):
                yield file


def _special(path: Path) -> bool:
    """A FIFO, socket or device named like a Python file: reading it would block the run (a broken
    link is kept, to be reported as unreadable)."""
    return path.exists() and not path.is_file()


def _excluded(path: Path, configs: Configs) -> bool:
    """Glob patterns match the file name, or the path relative to the config's folder."""
    config = configs.for_path(path)
    return any(matches_path(path, pattern, config.root) for pattern in config.exclude)


def _excluded_named(path: Path, configs: Configs) -> bool:
    """A file named explicitly: excluded if it or a folder it lies in is (up to the config's folder)."""
    root = configs.for_path(path).root
    for candidate in (path, *path.absolute().parents):
        if root is not None and candidate.absolute() == root.absolute():
            break
        if _excluded(candidate, configs):
            return True
    return False


class _GitIgnored:
    """Whether git would ignore a path: the `.gitignore` files of its folder and of the folders above
    it, up to the repository's top (the folder holding `.git`). The deepest file that decides wins."""

    def __init__(self) -> None:
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def __call__(self, path: Path, folder: bool = False) -> bool:
        path = path.absolute()
        for above in path.parents:
            spec = self._spec(above)
            if spec is not None:
                relative = path.relative_to(above).as_posix() + ("/" if folder else "")
                decided = spec.check_file(relative).include
                if decided is not None:
                    return decided
            if (above / ".git").exists():
                break
        return False

    def _spec(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            try:
                lines = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = None
            self._specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        return self._specs[folder]
