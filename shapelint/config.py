"""Configuration files (`[tool.shapelint]` in pyproject.toml, or shapelint.toml) -> frozen Configs."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from shapelint.static.conventions import Conventions
from shapelint.static.layout import Role


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Config:
    """Which rules run, on which files, and which names mean a size.

    ``source`` is the configuration file it was read from (None: the defaults); ``root`` its folder,
    against which ``exclude`` and ``per_file_ignores`` patterns are matched.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    conventions: Conventions = field(default_factory=Conventions)
    root: Path | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    source: Path | None = None
    max_file_size: int | None = None  # bytes; a larger file is skipped, with a notice

    def enabled(self, code: str) -> bool:
        """Codes match by prefix, as in ruff: `SHP1` selects every SHP1xx rule, `ALL` every rule."""
        selected = not self.select or any(_matches(code, prefix) for prefix in self.select)
        return selected and not any(_matches(code, prefix) for prefix in self.ignore)

    def ignored_in(self, code: str, path: str) -> bool:
        """``per-file-ignores``: the code is ignored in files matching one of the patterns."""
        return any(
            any(_matches(code, prefix) for prefix in codes) and matches_path(Path(path), pattern, self.root)
            for pattern, codes in self.per_file_ignores
        )

    def with_overrides(self, overrides: Overrides) -> Config:
        """Command-line `--select` replaces the configured selection; the others add to it."""
        select = self.select if overrides.select is None else overrides.select
        if select and overrides.extend_select:
            select = select + overrides.extend_select
        return replace(self, select=select, ignore=self.ignore + overrides.ignore)


@dataclass(frozen=True)
class Overrides:
    """Selection given on the command line, applied over every file's configuration."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()


class Configs:
    """The configuration of each file: the nearest configuration file above it (as ruff finds
    it), or one given for every file (``--config``), with the command line's selection on top."""

    def __init__(self, fixed: Config | None = None, overrides: Overrides | None = None) -> None:
        self.fixed = fixed
        self.overrides = overrides or Overrides()
        self._by_folder: dict[Path, Config] = {}

    def for_path(self, path: Path) -> Config:
        if self.fixed is not None:
            return self.fixed.with_overrides(self.overrides)
        folder = (path if path.is_dir() else path.parent).absolute()
        if folder not in self._by_folder:
            self._by_folder[folder] = load_config(find_config(folder)).with_overrides(self.overrides)
        return self._by_folder[folder]


def matches_path(path: Path, pattern: str, root: Path | None) -> bool:
    """A glob on the file name, or on the path relative to ``root`` (the config's folder)."""
    relative = path
    if root is not None:
        try:
            relative = path.absolute().relative_to(root.absolute())
        except ValueError:
            relative = path
    candidates = (path.name, relative.as_posix(), path.as_posix())
    return any(fnmatch(candidate, pattern.rstrip("/")) for candidate in candidates)


def _matches(code: str, prefix: str) -> bool:
    return prefix == "ALL" or code.startswith(prefix)


def unknown_codes(prefixes: Iterable[str]) -> list[str]:
    """The selectors that name no rule: neither `ALL` nor a prefix of a rule's code."""
    from shapelint.catalog import all_rules  # the rules import the engine, which imports this module

    codes = [rule.code for rule in all_rules()]
    return [prefix for prefix in prefixes if not any(_matches(code, prefix) for code in codes)]


_LIST_KEYS = {
    "select",
    "ignore",
    "extend-select",
    "extend-ignore",
    "exclude",
    "batch-names",
    "time-names",
    "sequence-names",
    "batch-dims",
    "time-dims",
}
_SELECTION_KEYS = ("select", "ignore", "extend-select", "extend-ignore")
_OTHER_KEYS = {"input-layout", "per-file-ignores", "max-file-size"}
# `max-file-size = "5MB"` (units of 1000, or KiB, MiB, GiB), or a number of bytes.
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?\s*", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}
_INPUT_LAYOUTS = ("batch-first", "time-major")


# In each folder, the first of these that configures shapelint applies (ruff's order).
CONFIG_FILES = (".shapelint.toml", "shapelint.toml", "pyproject.toml")


def find_config(start: Path) -> Path | None:
    """The nearest configuration file, from folder ``start`` upward: `.shapelint.toml` or
    `shapelint.toml` (the table at top level), or a pyproject.toml with a `[tool.shapelint]` table."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise ConfigError(f"{candidate}: cannot read: {error}") from error
            if "[tool.shapelint" in text:
                return candidate
    return None


def load_config(path: Path | None) -> Config:
    """Read a configuration file (its `[tool.shapelint]` table, for a pyproject.toml); no file
    means the defaults."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    table = data.get("tool", {}).get("shapelint", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.shapelint] must be a table")
    return _from_table(table, path)


def _from_table(table: dict[str, Any], pyproject: Path) -> Config:
    unknown = sorted(set(table) - _LIST_KEYS - _OTHER_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_LIST_KEYS | _OTHER_KEYS))
        raise ConfigError(f"{pyproject}: unknown key(s) in [tool.shapelint]: {', '.join(unknown)} (allowed: {allowed})")
    for key, value in table.items():
        if key == "input-layout":
            if value not in _INPUT_LAYOUTS:
                raise ConfigError(f"{pyproject}: [tool.shapelint] input-layout must be one of {_INPUT_LAYOUTS}")
        elif key == "per-file-ignores":
            _check_per_file_ignores(value, pyproject)
        elif key == "max-file-size":
            _file_size(value, pyproject)
        elif not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{pyproject}: [tool.shapelint] {key} must be a list of strings, got {value!r}")
    for key in _SELECTION_KEYS:
        unknown_selectors = unknown_codes(code.upper() for code in table.get(key, ()))
        if unknown_selectors:
            raise ConfigError(
                f"{pyproject}: [tool.shapelint] {key}: unknown rule code(s) {', '.join(unknown_selectors)} "
                "(`shapelint rules` lists them)"
            )
    defaults = Conventions()
    dimensions = dict(defaults.dimensions)
    dimensions.update({name.lower(): Role.BATCH for name in table.get("batch-dims", ())})
    dimensions.update({name.lower(): Role.TIME for name in table.get("time-dims", ())})
    names = Conventions(
        batch=defaults.batch | frozenset(table.get("batch-names", ())),
        time=defaults.time | frozenset(table.get("time-names", ())),
        sequences=defaults.sequences | frozenset(table.get("sequence-names", ())),
        dimensions=dimensions,
        input_layout=table.get("input-layout"),
    )
    codes = {key: tuple(code.upper() for code in table.get(key, ())) for key in _SELECTION_KEYS}
    select = codes["select"] + codes["extend-select"] if codes["select"] else ()
    per_file = table.get("per-file-ignores", {})
    return Config(
        select=select,
        ignore=codes["ignore"] + codes["extend-ignore"],
        exclude=tuple(table.get("exclude", ())),
        conventions=names,
        root=pyproject.parent,
        per_file_ignores=tuple((pattern, tuple(code.upper() for code in per_file[pattern])) for pattern in per_file),
        source=pyproject,
        max_file_size=_file_size(table["max-file-size"], pyproject) if "max-file-size" in table else None,
    )


def _file_size(value: object, pyproject: Path) -> int:
    """Bytes, from a number of bytes or a size with its unit (`"5MB"`, `"512KiB"`)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    found = _SIZE.fullmatch(value) if isinstance(value, str) else None
    if found is None or float(found.group(1)) <= 0:
        example = '"5MB" or a number of bytes'
        raise ConfigError(
            f"{pyproject}: [tool.shapelint] max-file-size must be a size such as {example}, got {value!r}"
        )
    return int(float(found.group(1)) * _UNITS[(found.group(2) or "b").lower()])


def _check_per_file_ignores(value: object, pyproject: Path) -> None:
    """A table of glob -> list of codes, every code known."""
    where = f"{pyproject}: [tool.shapelint] per-file-ignores"
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of glob = [codes]")
    for pattern, codes in value.items():
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ConfigError(f"{where}: {pattern!r} must map to a list of codes, got {codes!r}")
        unknown = unknown_codes(code.upper() for code in codes)
        if unknown:
            raise ConfigError(f"{where}: {pattern!r}: unknown rule code(s) {', '.join(unknown)}")
