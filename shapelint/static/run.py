"""A lint run over paths: the files it checks, the project they make, each file's configuration,
the processes that share the work, and one finding per place."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from shapelint.config import Config, Configs
from shapelint.findings import Finding
from shapelint.static.discovery import discover
from shapelint.static.engine import lint_file
from shapelint.static.project.index import Project, normalised_path


@dataclass(frozen=True)
class LintRun:
    """The outcome of linting some paths."""

    findings: tuple[Finding, ...]
    files_checked: int
    missing: tuple[str, ...]
    # With `show_unknown`: each file's RNN calls whose input layout nothing said (their lines).
    unknown_inputs: tuple[tuple[str, tuple[int, ...]], ...] = ()


def lint_paths(
    paths: Sequence[Path],
    config: Config | Configs,
    jobs: int = 1,
    respect_gitignore: bool = True,
    force_exclude: bool = False,
    show_unknown: bool = False,
) -> LintRun:
    """Lint files and folders as one project; ``jobs`` > 1 spreads files over processes.

    ``config`` is one configuration for every file, or :class:`Configs` to find each file's own;
    ``show_unknown`` also lists the RNN inputs whose layout nothing said.
    """
    configs = config if isinstance(config, Configs) else Configs(config)
    files, missing = discover(paths, configs, respect_gitignore, force_exclude)
    with _fewer_collections():
        project = Project.from_files(files)
        if jobs > 1 and len(files) > 1:
            with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(project, configs)) as pool:
                per_file = list(pool.map(_lint_in_worker, files, chunksize=max(1, len(files) // (jobs * 8))))
        else:
            per_file = [lint_file(file, configs.for_path(file), project) for file in files]
    findings = _one_each(per_file, {normalised_path(str(file)): str(file) for file in files}, configs)
    unknown: list[tuple[str, tuple[int, ...]]] = []
    if show_unknown:
        from shapelint.static.explain import unknown_rnn_inputs  # explain imports the engine: only on demand

        for file in files:
            lines = unknown_rnn_inputs(file, configs.for_path(file), project)
            if lines:
                unknown.append((str(file), tuple(lines)))
    return LintRun(tuple(sorted(findings)), len(files), tuple(missing), tuple(unknown))


# Syntax trees are many small objects that die young, almost all freed by reference counting: the
# cyclic collector's default of a young collection every 700 allocations spends an eighth of a run
# looking for cycles that are not there. Memory stays the same (measured on fairseq).
_YOUNG_COLLECTION_EVERY = 50_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(_YOUNG_COLLECTION_EVERY, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


# A worker process's copy of the project index and the configurations, sent once when it starts.
_worker_state: tuple[Project, Configs] | None = None


def _start_worker(project: Project, configs: Configs) -> None:
    global _worker_state
    gc.set_threshold(_YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
    _worker_state = (project, configs)


def _lint_in_worker(path: Path) -> list[Finding]:
    assert _worker_state is not None
    project, configs = _worker_state
    return lint_file(path, configs.for_path(path), project)


def _one_each(per_file: Iterable[list[Finding]], shown: dict[str, str], configs: Configs) -> list[Finding]:
    """A file's findings, whether found linting it or through a call from another file, once each
    (the shortest message: the one that needs the fewest settings), its path as the run names it,
    and only those its own configuration selects."""
    kept: dict[tuple[str, int | None, int, int, str], Finding] = {}
    for found in per_file:
        for finding in found:
            path = shown.get(finding.path, finding.path)
            if path != finding.path:
                finding = replace(finding, path=path)
            config = configs.for_path(Path(finding.path))
            if not config.enabled(finding.code) or config.ignored_in(finding.code, finding.path):
                continue
            key = (finding.path, finding.cell, finding.line, finding.column, finding.code)
            if key not in kept or len(finding.message) < len(kept[key].message):
                kept[key] = finding
    return list(kept.values())


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
