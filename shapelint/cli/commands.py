"""The subcommands besides `check`: list and show rules, explain a line, run a program under the
tracer, verify the reference models."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from shapelint.catalog import all_rules, rule_by_code
from shapelint.cli.common import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, error, warn
from shapelint.config import ConfigError, Configs, load_config


def list_rules() -> int:
    for rule in all_rules():
        print(f"{rule.code}  {rule.name:<20}  {rule.summary()}")
    return EXIT_CLEAN


def show_rule(code: str) -> int:
    rule = rule_by_code(code)
    if rule is None:
        known = ", ".join(rule.code for rule in all_rules())
        error(f"no rule {code!r}; known codes: {known}")
        return EXIT_ERROR
    print(f"{rule.code} {rule.name}\n\n{rule.docs()}\n\nFix: {rule.fix_title}")
    return EXIT_CLEAN


_PLACE = re.compile(r"^(?P<path>.+?)(?::cell (?P<cell>\d+))?:(?P<line>\d+)$")


def explain_line(options: argparse.Namespace) -> int:
    from shapelint.static.discovery import discover
    from shapelint.static.explain import ExplainError, explain
    from shapelint.static.project.index import Project

    place = _PLACE.match(options.place)
    if place is None:
        error(f"{options.place}: expected PATH:LINE, e.g. model.py:23 (PATH:cell N:LINE in a notebook)")
        return EXIT_ERROR
    path = Path(place["path"])
    if not path.is_file():
        error(f"{path}: no such file")
        return EXIT_ERROR
    configs = configurations(options.config)
    try:
        files, _ = discover([project_root(path)], configs)
    except ConfigError as problem:
        # Another file's broken configuration must not stop the explanation of this one.
        warn(f"{problem}; explaining {path} on its own")
        files = []
    cell = int(place["cell"]) if place["cell"] else None
    try:
        sys.stdout.write(
            explain(path, int(place["line"]), configs.for_path(path), Project.from_files([*files, path]), cell)
        )
    except ExplainError as problem:
        error(str(problem))
        return EXIT_ERROR
    return EXIT_CLEAN


def clean_cache(options: argparse.Namespace) -> int:
    from shapelint.static.cache import clean

    folder = cache_folder(options.cache_dir)
    print(f"Removed {folder}" if clean(folder) else f"No cache at {folder}")
    return EXIT_CLEAN


def cache_folder(given: Path | None) -> Path:
    """``--cache-dir``, else ``SHAPELINT_CACHE_DIR``, else `.shapelint_cache` in the current folder (as ruff)."""
    from shapelint.static.cache import CACHE_DIR

    return given or Path(os.environ.get("SHAPELINT_CACHE_DIR") or CACHE_DIR)


def configurations(explicit: Path | None) -> Configs:
    """One configuration file for every file (`--config`), or each file's nearest one."""
    if explicit is None:
        return Configs()
    if not explicit.is_file():
        raise ConfigError(f"{explicit}: no such file")
    return Configs(load_config(explicit))


def project_root(path: Path) -> Path:
    """The folder of the project a file belongs to: the nearest one above it with a pyproject.toml or a
    .git, else the file's own folder."""
    folder = path.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file() or (candidate / ".git").exists():
            return candidate
    return folder


def run(options: argparse.Namespace) -> int:
    if not options.script.is_file():
        error(f"{options.script}: no such file")
        return EXIT_ERROR
    try:
        from shapelint.runtime.script import run_script
    except ImportError as problem:
        return _runtime_missing(problem)
    return run_script(options.script, options.arguments, options.format, options.output)


def verify(options: argparse.Namespace) -> int:
    try:
        import torch

        from shapelint.verify import DEVICES, verify
        from shapelint.verify.table import render_json, render_text
    except ImportError as problem:
        return _runtime_missing(problem)
    if options.device == "cuda" and not torch.cuda.is_available():
        error("CUDA is not available on this machine: nothing was verified (`--device all` skips CUDA)")
        return EXIT_ERROR
    devices = DEVICES if options.device == "all" else (options.device,)
    rows = verify(devices)
    render = render_json if options.format == "json" else render_text
    sys.stdout.write(render(rows, devices))
    return EXIT_FINDINGS if any(row.problems for row in rows) else EXIT_CLEAN


def _runtime_missing(problem: ImportError) -> int:
    """An import failed: for want of the runtime extra, say how to install it; else it is a bug."""
    if problem.name is None or problem.name.split(".")[0] not in ("torch", "jaxtyping", "beartype"):
        raise problem
    from shapelint.runtime import INSTALL_HINT

    error(INSTALL_HINT)
    return EXIT_ERROR
