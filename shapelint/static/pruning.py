"""Which parts of a file can hold a finding: the rest is blanked before the libcst parse.

A libcst parse costs several times the standard library's, and most of a relevant file is code
the layout inference cannot use: a function or class that names none of the words the inference
follows (RNNs, embeddings, loaders, declarations, a view of something reordered or built), and
that no code kept names, gives it nothing (calls to such definitions are not followed either, see
``Project.relevant``). The module's own statements are weighed the same way, their strings left out
(a docstring table that quotes `x.view(...)` holds no view), and kept when kept code uses what they
bind or binds what they use, so a script's steps stay together. What is left out becomes blank
lines, so every kept line keeps its number and its text, and positions, ``noqa`` comments and fixes
stay those of the file.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from shapelint.static import python_ast
from shapelint.static.knowledge import JAXTYPING_ARRAY_TYPES, LAYOUT_SOURCES, reshape_may_go_wrong
from shapelint.static.project.facts import FileOutline, Outline
from shapelint.static.project.scan import file_outline

# Code that can give the inference a layout (`forward` alone makes every module class worth following
# at a call, not worth analysing here), a jaxtyping declaration, or a `global` statement, which can
# rebind a module constant that a setting reads; besides, code that reshapes what it reorders or builds.
# (Each branch starts with its word, as in :mod:`knowledge`; `global` apart, as its `^` would slow
# every search.)
_LIVE = re.compile(
    LAYOUT_SOURCES.pattern + "|" + "|".join(rf"{name}(?<!\w{name})\[" for name in sorted(JAXTYPING_ARRAY_TYPES))
)
_GLOBAL = re.compile(r"^[ \t]*global[ \t]", re.MULTILINE)
# Methods the inference reaches without their name being written: construction and calls.
_ALWAYS_KEPT = frozenset({"__init__", "forward", "__call__"})
# A definition is reached by a call of its name (`helper(x)`, `self.encode(x)`, `Encoder(...)`); names
# in other places (a function passed as a value) are not followed by the inference either.
# A word is tried whole, not again from each of its letters (`(?<!\w)`): twice as fast over long code.
_CALLED = re.compile(r"(?<!\w)(\w+)\s*\(")
_NAME_START = re.compile(r"[A-Za-z_]")
_ASSIGNMENT = re.compile(r"^[ \t]*((?:self\.)?[A-Za-z_]\w*)[ \t]*=(?!=)(.*)$", re.MULTILINE)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# A name read or bound, not an attribute (`x` and `torch` of `x = torch.zeros(n)`).
_BASE_NAME = re.compile(r"(?<![.\w])[A-Za-z_]\w*")
_TABLE_LINES = 50
_ASSIGNED = re.compile(r"[ \t]*([A-Za-z_][\w \t,]*?)[ \t]*(?::[^=\n]*)?=(?!=)")
_IMPORT = re.compile(r"[ \t]*(?:import|from)[ \t]")
_BUILTIN_NAMES = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_STRING = r"""'{3}[\s\S]*?'{3}|"{3}[\s\S]*?"{3}|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*\""""
# A string with its prefix (`rb"..."`, a prefix that starts a word), or a comment; no optional prefix
# in front, so that `re` looks only where a prefix letter, a quote or `#` is.
_STRINGS_AND_COMMENTS = re.compile(rf"[rRbBuUfF](?<!\w[rRbBuUfF])[rRbBuUfF]?(?:{_STRING})|{_STRING}|\#[^\n]*")
_ALIAS = re.compile(r"([A-Za-z_]\w*)[ \t]+as[ \t]+([A-Za-z_]\w*)")


@dataclass
class _Unit:
    """A definition that may be blanked: its lines (decorators included) and what it names."""

    name: str
    first: int
    last: int
    live: bool
    named: set[str]  # for a class, what its header and class-level statements name
    members: list[_Unit] = field(default_factory=list)  # a class's methods and nested classes
    other_statements: bool = False  # a class body statement that is no member (a docstring, a constant)
    kept: bool = False
    text: str = ""

    @functools.cached_property
    def variables(self) -> set[str]:
        """The names its code reads or binds (strings and comments left out)."""
        return set(_BASE_NAME.findall(_STRINGS_AND_COMMENTS.sub(" ", self.text)))


def prune(text: str, live_names: Collection[str] = (), outline: FileOutline | None = None) -> str:
    """``text`` with the definitions and module statements the inference cannot use replaced by
    blank lines; ``text`` itself when nothing is blanked or Python cannot parse it (the parser then
    says why). ``live_names``: names that make code worth analysing too (the project's models that a
    script imports). ``outline``: where the definitions lie, as the project's scan of this same text
    found (else the text is parsed here)."""
    if outline is None or outline.size != len(text):
        try:
            outline = file_outline(python_ast.parse(text), len(text))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return text
    lines = python_ast.source_lines(text, keepends=True)
    raw = [_text(lines, first, last) for first, last in outline.statements]
    # `from torch.nn import LSTM as Recurrent`: code that names `Recurrent` is as live as `LSTM`.
    aliases = [alias for code in raw for name, alias in _ALIAS.findall(code) if _live(name + "(", ())]
    words = (*live_names, *aliases)
    units = [_unit(definition, lines, words, top_level=True) for definition in outline.definitions]
    # Names that link module code to what it uses by another way: modules, builtins, definitions.
    imported = {name for code in raw if _IMPORT.match(code) for name in _IDENTIFIER.findall(code)}
    linkless = imported | _BUILTIN_NAMES | {unit.name for unit in units}
    statements = [
        _statement(first, last, code, words, linkless) for (first, last), code in zip(outline.statements, raw)
    ]
    _keep(units, statements, linkless)
    blank = list(_blanked(units))
    blank.extend((statement.first, statement.last) for statement in statements if not statement.kept)
    if not blank:
        return text
    for first, last in blank:
        for number in range(first, last + 1):
            line = lines[number - 1]
            lines[number - 1] = line[len(line.rstrip("\r\n")) :]  # its end of line only
    return "".join(lines)


def _text(lines: list[str], first: int, last: int | None) -> str:
    return "".join(lines[first - 1 : last or first])


def _unit(definition: Outline, lines: list[str], words: tuple[str, ...], top_level: bool) -> _Unit:
    """``words``: names that make a definition live besides what :data:`_LIVE` finds."""
    first, last = definition.first, definition.last
    text = _text(lines, first, last)
    live = _live(text, words)
    if not top_level:
        return _Unit(definition.name, first, last, live, _called(text))
    if not definition.members:
        return _Unit(definition.name, first, last, live, _called(text), text=text)
    # A method that only uses `self.rnn` is as live as the line that built it.
    attributes = _live_attributes(text, words) if live else set()
    member_words = (*words, *(f"self.{name}" for name in attributes))
    members = [_unit(member, lines, member_words, top_level=False) for member in definition.members]
    own = lines[first - 1 : last]
    for member in definition.members:  # what the header and the class-level statements name
        own[member.first - first : member.last - first + 1] = [""] * (member.last - member.first + 1)
    named = _called("".join(own))
    # Its bases are named without a call (`class Tagger(Base):`), and what they define is its own.
    named.update(_IDENTIFIER.findall(_text(lines, first, definition.header_end)))
    return _Unit(definition.name, first, last, live, named, members, definition.other_statements, text=text)


def _called(code: str) -> set[str]:
    """The names ``code`` calls: ``name(`` after spaces, the name from its first ASCII letter or
    underscore (`0x1f(` in a string calls `x1f`)."""
    names = set()
    for word in _CALLED.findall(code):
        if _NAME_START.match(word) is None:
            start = _NAME_START.search(word)
            if start is None:
                continue
            word = word[start.start() :]
        names.add(word)
    return names


def _live(text: str, words: tuple[str, ...]) -> bool:
    return (
        _LIVE.search(text) is not None
        or ("global" in text and _GLOBAL.search(text) is not None)
        or reshape_may_go_wrong(text)
        or any(word in text for word in words)
    )


def _live_attributes(text: str, words: tuple[str, ...]) -> set[str]:
    """The attributes a class assigns from code with a live word (``self.rnn = nn.LSTM(...)``), or
    from a name it binds so (``cell = nn.GRU if gru else nn.LSTM`` ... ``self.rnn = cell(...)``)."""
    assignments = _ASSIGNMENT.findall(text)
    live_names = {name for name, value in assignments if _live(value, words)}
    return {
        name.removeprefix("self.")
        for name, value in assignments
        if name.startswith("self.") and (name in live_names or live_names & set(_IDENTIFIER.findall(value)))
    }


@dataclass
class _Statement:
    """A statement of the module's own code: an import is always kept; other code (a script, a
    constant, a table) when it is live, calls a kept definition, or shares a variable with kept code."""

    first: int
    last: int
    kept: bool
    live: bool
    called: set[str]
    variables: set[str]
    binds: set[str]  # the names it assigns (`encoder, decoder = ...`)


def _statement(first: int, last: int, text: str, words: tuple[str, ...], linkless: set[str]) -> _Statement:
    if _IMPORT.match(text):
        return _Statement(first, last, True, False, set(), set(), set())
    code = _STRINGS_AND_COMMENTS.sub(" ", text)  # `add_docstr(torch.abs, "... x.view(...) ...")` is data
    called = _called(code)
    if last - first >= _TABLE_LINES and not called - _BUILTIN_NAMES:
        # A long table of literals and names: no layout and no setting, even where kept code reads it.
        return _Statement(first, last, False, False, set(), set(), set())
    variables = set(_BASE_NAME.findall(code)) - linkless
    assigned = _ASSIGNED.match(code)
    binds = set(_BASE_NAME.findall(assigned.group(1))) if assigned else set()
    return _Statement(first, last, False, _live(code, words), called, variables, binds)


def _keep(units: list[_Unit], statements: list[_Statement], linkless: set[str]) -> None:
    """Mark what is kept: live code, what kept code calls, and the module code that shares a
    variable with kept code (binds what it uses, or uses what it binds), until nothing more is."""
    named: set[str] = set()
    variables: set[str] = set()
    models: set[str] = set()  # globals bound to live code or to what a kept definition makes (`encoder`)
    changed = True
    while changed:
        changed = False
        kept_names = {unit.name for unit in units if unit.kept}
        for statement in statements:
            if not statement.kept and (
                statement.live or statement.called & kept_names or statement.variables & variables
            ):
                statement.kept = changed = True
            if statement.kept:
                named |= statement.called
                variables |= statement.variables
                if statement.live or statement.called & kept_names:
                    models |= statement.binds
        # Module code still left out may yet share a variable with a definition kept below.
        open_statements = any(not statement.kept and statement.variables for statement in statements)
        for unit in units:
            if not unit.kept and (unit.live or unit.name in named or (models and unit.variables & models)):
                unit.kept = changed = True
                named.update(unit.named)
                if open_statements:
                    variables.update(unit.variables - linkless)
            if not unit.kept:
                continue
            for member in unit.members:
                if not member.kept and (member.name in _ALWAYS_KEPT or member.live or member.name in named):
                    member.kept = changed = True
                    named.update(member.named)
            if unit.members and not unit.other_statements and not any(member.kept for member in unit.members):
                # An empty class body does not parse: such a class is kept whole.
                for member in unit.members:
                    member.kept = changed = True
                    named.update(member.named)


def _blanked(units: list[_Unit]) -> Iterator[tuple[int, int]]:
    for unit in units:
        if not unit.kept:
            yield unit.first, unit.last
        else:
            yield from ((member.first, member.last) for member in unit.members if not member.kept)
