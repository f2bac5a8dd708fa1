"""`[tool.shapelint]` in pyproject.toml -> a frozen Config."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from shapelint.static.conventions import Conventions
from shapelint.static.layout import Role


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Config:
    """Which rules run, which files are skipped, and which names mean a size."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    conventions: Conventions = field(default_factory=Conventions)
    root: Path | None = None

    def enabled(self, code: str) -> bool:
        """Codes match by prefix, as in ruff: `SHP1` selects every SHP1xx rule, `ALL` every rule."""
        selected = not self.select or any(_matches(code, prefix) for prefix in self.select)
        return selected and not any(_matches(code, prefix) for prefix in self.ignore)

    def with_overrides(self, select: tuple[str, ...] | None, ignore: tuple[str, ...]) -> Config:
        """Command-line `--select` replaces the configured selection; `--ignore` adds to it."""
        return replace(self, select=self.select if select is None else select, ignore=self.ignore + ignore)


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
    "exclude",
    "batch-names",
    "time-names",
    "sequence-names",
    "batch-dims",
    "time-dims",
}
_INPUT_LAYOUTS = ("batch-first", "time-major")


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a `[tool.shapelint]` table, from ``start`` upward."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise ConfigError(f"{candidate}: cannot read: {error}") from error
            if "[tool.shapelint" in text:
                return candidate
    return None


def load_config(pyproject: Path | None) -> Config:
    """Read ``[tool.shapelint]``; no file means the defaults."""
    if pyproject is None:
        return Config()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{pyproject}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{pyproject}: not valid TOML: {error}") from error
    table = data.get("tool", {}).get("shapelint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.shapelint] must be a table")
    return _from_table(table, pyproject)


def _from_table(table: dict[str, Any], pyproject: Path) -> Config:
    unknown = sorted(set(table) - _LIST_KEYS - {"input-layout"})
    if unknown:
        allowed = ", ".join(sorted(_LIST_KEYS | {"input-layout"}))
        raise ConfigError(f"{pyproject}: unknown key(s) in [tool.shapelint]: {', '.join(unknown)} (allowed: {allowed})")
    for key, value in table.items():
        if key == "input-layout":
            if value not in _INPUT_LAYOUTS:
                raise ConfigError(f"{pyproject}: [tool.shapelint] input-layout must be one of {_INPUT_LAYOUTS}")
        elif not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{pyproject}: [tool.shapelint] {key} must be a list of strings, got {value!r}")
    for key in ("select", "ignore"):
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
    return Config(
        select=tuple(code.upper() for code in table.get("select", ())),
        ignore=tuple(code.upper() for code in table.get("ignore", ())),
        exclude=tuple(table.get("exclude", ())),
        conventions=names,
        root=pyproject.parent,
    )
