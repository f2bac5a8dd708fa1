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
from shapelint.static.cache import Cache, facts_digest
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
    # Files not checked because they are larger than their configuration's `max-file-size`: (path, why).
    too_large: tuple[tuple[str, str], ...] = ()


def lint_paths(
    paths: Sequence[Path],
    config: Config | Configs,
    jobs: int = 1,
    respect_gitignore: bool = True,
    force_exclude: bool = False,
    show_unknown: bool = False,
    cache_dir: Path | None = None,
) -> LintRun:
    """Lint files and folders as one project; ``jobs`` > 1 spreads files over processes.

    ``config`` is one configuration for every file, or :class:`Configs` to find each file's own;
    ``show_unknown`` also lists the RNN inputs whose layout nothing said; ``cache_dir`` keeps results
    for the next run (see :mod:`cache`).
    """
    configs = config if isinstance(config, Configs) else Configs(config)
    files, missing = discover(paths, configs, respect_gitignore, force_exclude)
    files, too_large = _within_size_limits(files, configs)
    cache = Cache(cache_dir) if cache_dir is not None and not show_unknown else None
    with _fewer_collections():
        per_file, project = _lint_files(files, configs, jobs, cache)
    findings = _one_each(per_file, {normalised_path(str(file)): str(file) for file in files}, configs)
    unknown: list[tuple[str, tuple[int, ...]]] = []
    if show_unknown:
        project = project or Project.from_files(files)
        from shapelint.static.explain import unknown_rnn_inputs  # explain imports the engine: only on demand

        for file in files:
            lines = unknown_rnn_inputs(file, configs.for_path(file), project)
            if lines:
                unknown.append((str(file), tuple(lines)))
    return LintRun(tuple(sorted(findings)), len(files), tuple(missing), tuple(unknown), too_large)


def _within_size_limits(files: list[Path], configs: Configs) -> tuple[list[Path], tuple[tuple[str, str], ...]]:
    """The files no larger than their configuration's `max-file-size`, and why each other one is left out."""
    kept: list[Path] = []
    too_large: list[tuple[str, str]] = []
    for file in files:
        limit = configs.for_path(file).max_file_size
        try:
            size = file.stat().st_size if limit is not None else 0
        except OSError:
            size = 0  # the lint reports what cannot be read
        if limit is not None and size > limit:
            too_large.append((str(file), f"{size:,} bytes, over max-file-size ({limit:,} bytes)"))
        else:
            kept.append(file)
    return kept, tuple(too_large)


def _lint_files(
    files: list[Path], configs: Configs, jobs: int, cache: Cache | None
) -> tuple[list[list[Finding]], Project | None]:
    """Each file's findings, from the cache where nothing they rest on changed; the project index
    when it had to be built."""
    facts = cache.known_facts(files) if cache is not None else None
    if cache is not None and facts is not None:
        cached = [cache.findings(file, configs.for_path(file), facts) for file in files]
        if all(found is not None for found in cached):
            return [found for found in cached if found is not None], None
    project = Project.from_files(files)
    facts = facts_digest(project) if cache is not None else ""  # a digest of every fact costs seconds
    cached = [cache.findings(file, configs.for_path(file), facts) if cache else None for file in files]
    todo = [file for file, found in zip(files, cached, strict=True) if found is None]
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(project, configs)) as pool:
            linted = list(pool.map(_lint_in_worker, todo, chunksize=max(1, len(todo) // (jobs * 8))))
    else:
        linted = [_lint_one(file, configs, project) for file in todo]
    fresh = dict(zip(todo, linted, strict=True))
    if cache is not None:
        for file, (found, read) in fresh.items():
            cache.store(file, configs.for_path(file), facts, found, read)
        cache.remember_facts(files, facts)
    per_file = [found if found is not None else fresh[file][0] for file, found in zip(files, cached, strict=True)]
    return per_file, project


def _lint_one(file: Path, configs: Configs, project: Project) -> tuple[list[Finding], set[str]]:
    read: set[str] = set()
    return lint_file(file, configs.for_path(file), project, read), read


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


def _lint_in_worker(path: Path) -> tuple[list[Finding], set[str]]:
    assert _worker_state is not None
    project, configs = _worker_state
    return _lint_one(path, configs, project)


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
