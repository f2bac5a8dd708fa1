"""Every rule shapelint has, discovered from the rule packages (no hand-kept list)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from shapelint.rule import Rule

RULE_PACKAGES = ("shapelint.static.rules", "shapelint.runtime.rules")


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """All rule classes, sorted by code."""
    found: list[type[Rule]] = []
    for package_name in RULE_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package_name}.{info.name}")
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module.__name__:
                    found.append(value)
    return tuple(sorted(found, key=lambda rule: rule.code))


def rule_by_code(code: str) -> type[Rule] | None:
    return next((rule for rule in all_rules() if rule.code == code.upper()), None)
