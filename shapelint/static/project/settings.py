"""How the project builds a class: the values its ``__init__`` parameters take, and why.

A parameter's value comes from the constructions the index found: the literal each passes,
the default where it passes nothing, or a command-line option's values where it passes
``args.X``. With no construction in the project, the defaults are the class's only documented
configuration. Each distinct set of values is one :class:`Configuration`; a class is analysed
once per configuration, so a finding says under which one it arises.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

from shapelint.static.notebooks import is_notebook, notebook_origins
from shapelint.static.project.facts import (
    UNREAD,
    ArgValue,
    CallFacts,
    Constant,
    ConstantRef,
    OptionRef,
    PassedOn,
    Signature,
    Unread,
)
from shapelint.static.project.index import ClassKey, Construction, Project

# Configurations analysed per class, at most: the first ones in path and line order.
MAX_CONFIGURATIONS = 4
# Classes that pass their parameters on to the next (`Wrapper` -> `Encoder` -> ...), followed this deep.
MAX_PASSED_ON = 3


@dataclass(frozen=True)
class Setting:
    """One parameter's value in a configuration (``UNREAD`` when not known) and where it came from."""

    name: str
    value: Constant | Unread
    evidence: str


@dataclass(frozen=True)
class Configuration:
    settings: tuple[Setting, ...]

    def known(self) -> bool:
        return any(not isinstance(setting.value, Unread) for setting in self.settings)

    def key(self) -> tuple[tuple[str, object], ...]:
        return tuple((s.name, s.value if not isinstance(s.value, Unread) else UNREAD) for s in self.settings)


def configurations(project: Project, key: ClassKey, depth: int = 0) -> list[Configuration]:
    """The distinct ways the project builds ``key`` (its own ``__init__`` parameters only)."""
    facts = project.class_facts(key)
    if facts is None or facts.init is None:
        return []
    signature = facts.init
    where = place(key.path, signature.line)
    constructions = project.constructions(key)
    found: dict[tuple[tuple[str, object], ...], Configuration] = {}
    if not constructions:
        defaults = tuple(
            Setting(
                p.name,
                _constant(p.default),
                f"`{p.name}={p.default!r}` is the default of `{key.name}.__init__` ({where}), and the project "
                f"never constructs `{key.name}`",
            )
            if p.has_default
            else Setting(p.name, UNREAD, "")
            for p in signature.parameters
        )
        configuration = Configuration(defaults)
        found[configuration.key()] = configuration
    for construction in constructions:
        for configuration in _from_construction(project, key, signature, construction, where, depth):
            found.setdefault(configuration.key(), configuration)
            if len(found) >= MAX_CONFIGURATIONS:
                break
    return [configuration for configuration in found.values() if configuration.known()]


def _from_construction(
    project: Project, key: ClassKey, signature: Signature, construction: Construction, where: str, depth: int
) -> list[Configuration]:
    call = construction.call
    given = _bind(signature, call)
    if not any(isinstance(value, PassedOn) for value in given.values()):
        return _configured(project, key, signature, construction, where, given, {})
    # Inside another class's `__init__`: once per way the project builds that class, so that the
    # values it passes on stay together.
    outer = ClassKey(construction.path, call.in_class) if call.in_class else None
    found: list[Configuration] = []
    for enclosing in configurations(project, outer, depth + 1) if outer and depth < MAX_PASSED_ON else []:
        found.extend(_configured(project, key, signature, construction, where, given, _by_name(enclosing)))
    return found[:MAX_CONFIGURATIONS] or _configured(project, key, signature, construction, where, given, {})


def _by_name(configuration: Configuration) -> dict[str, Setting]:
    return {setting.name: setting for setting in configuration.settings}


def _configured(
    project: Project,
    key: ClassKey,
    signature: Signature,
    construction: Construction,
    where: str,
    given: dict[str, ArgValue],
    enclosing: dict[str, Setting],
) -> list[Configuration]:
    call = construction.call
    at = place(construction.path, call.line)
    choices: list[list[Setting]] = []
    for parameter in signature.parameters:
        value = given.get(parameter.name)
        if isinstance(value, PassedOn):
            outer = enclosing.get(value.name)
            if outer is None or isinstance(outer.value, Unread):
                choices.append([Setting(parameter.name, UNREAD, "")])
            else:
                evidence = f"{outer.evidence}, passed on as `{parameter.name}` to `{key.name}` at {at}"
                choices.append([Setting(parameter.name, outer.value, evidence)])
        elif parameter.name in given:
            choices.append(_settings(project, parameter.name, given[parameter.name], at, key, construction.path))
        elif parameter.has_default and not call.star:
            evidence = (
                f"`{parameter.name}={parameter.default!r}` is the default of `{key.name}.__init__` ({where}), "
                f"kept by the construction at {at}"
            )
            choices.append([Setting(parameter.name, _constant(parameter.default), evidence)])
        else:
            choices.append([Setting(parameter.name, UNREAD, "")])
    combinations = itertools.islice(itertools.product(*choices), MAX_CONFIGURATIONS)
    return [Configuration(tuple(combination)) for combination in combinations]


def _bind(signature: Signature, call: CallFacts) -> dict[str, ArgValue]:
    positional = [parameter for parameter in signature.parameters if not parameter.keyword_only]
    given: dict[str, ArgValue] = {}
    if call.star and call.positional:
        return given  # `*args` may come before or among them: positions are not known
    for parameter, value in zip(positional, call.positional):
        given[parameter.name] = value
    for name, value in call.keywords:
        if signature.parameter(name) is not None:
            given[name] = value
    return given


def _settings(project: Project, name: str, value: ArgValue, at: str, key: ClassKey, importer: str) -> list[Setting]:
    if isinstance(value, OptionRef):
        options = project.options(value.dest)
        settings = []
        for option in options:
            where = place(project.option_path(option), option.line)
            if option.values is not None:
                choices = {bool(choice) for choice in option.values} if value.converted else option.values
                for choice in sorted(choices, key=repr):
                    given = f"with `{option.flag} {choice!r}`"
                    if option.switched is not None:
                        given = f"{'with' if choice == option.switched else 'without'} `{option.flag}`"
                    evidence = f"`{name}={choice!r}` when run {given} ({where}), passed at {at}"
                    settings.append(Setting(name, choice, evidence))
            elif not isinstance(option.default, Unread):
                default = bool(option.default) if value.converted else option.default
                evidence = f"`{name}={default!r}` is the default of `{option.flag}` ({where}), passed at {at}"
                settings.append(Setting(name, default, evidence))
        return settings or [Setting(name, UNREAD, "")]
    if isinstance(value, ConstantRef):
        found = _imported_constant(project, importer, value)
        if found is None:
            return [Setting(name, UNREAD, "")]
        constant, path = found
        evidence = f"`{name}={constant!r}`: `{value.name}` is {constant!r} in {shown_path(path)}, passed at {at}"
        return [Setting(name, constant, evidence)]
    if isinstance(value, (Unread, PassedOn)):
        return [Setting(name, UNREAD, "")]
    assert not isinstance(value, OptionRef)
    return [Setting(name, value, f"`{key.name}` is built with `{name}={value!r}` at {at}")]


def _constant(value: ArgValue) -> Constant | Unread:
    return UNREAD if isinstance(value, (OptionRef, PassedOn, ConstantRef)) else value


def _imported_constant(project: Project, importer: str, reference: ConstantRef) -> tuple[Constant, str] | None:
    """The value of a constant another module of the project binds, and that module's path."""
    path = project.resolve_module(importer, reference.module, reference.level)
    facts = project.facts(path) if path is not None else None
    if facts is None or path is None or reference.name not in facts.constants:
        return None
    return facts.constants[reference.name], path


def shown_path(path: str) -> str:
    """The file relative to the working folder when it lies below it."""
    try:
        shown = os.path.relpath(path)
    except ValueError:
        shown = path
    return path if shown.startswith("..") else shown


def place(path: str, line: int) -> str:
    """``file:line`` (``file:cell N:line`` in a notebook), the file as :func:`shown_path` shows it."""
    shown = shown_path(path)
    notebook = notebook_origins(path) if is_notebook(path) else None
    if notebook is not None:
        cell, line = notebook.place(line)
        return f"{shown}:cell {cell}:{line}"
    return f"{shown}:{line}"
