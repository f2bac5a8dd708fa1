"""Which files a run checks: Python files under the given paths, minus skipped folders and excludes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from fnmatch import fnmatch
from pathlib import Path

from shapelint.config import Config

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


def discover(paths: Sequence[Path], config: Config) -> tuple[list[Path], list[str]]:
    """Files to check (in a stable order) and the given paths that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found: Iterable[Path] = _walk(path, config)
        elif path.exists() or path.is_symlink():
            # A file named explicitly is checked whatever its suffix (pre-commit passes names).
            found = [] if _excluded(path, config) else [path]
        else:
            missing.append(str(path))
            continue
        for file in found:
            key = file.resolve() if not file.is_symlink() else file.absolute()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files, missing


def _walk(root: Path, config: Config) -> Iterable[Path]:
    for folder, subfolders, names in os.walk(root):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in SKIPPED_FOLDERS and not name.endswith(".egg-info") and not _excluded(here / name, config)
        )
        for name in sorted(names):
            file = here / name
            if name.endswith(PYTHON_SUFFIXES) and not _excluded(file, config):
                yield file


def _excluded(path: Path, config: Config) -> bool:
    """Glob patterns match the file name, or the path relative to the config's folder."""
    if not config.exclude:
        return False
    relative = path
    if config.root is not None:
        try:
            relative = path.absolute().relative_to(config.root.absolute())
        except ValueError:
            relative = path
    candidates = (path.name, relative.as_posix(), path.as_posix())
    return any(fnmatch(candidate, pattern.rstrip("/")) for pattern in config.exclude for candidate in candidates)
