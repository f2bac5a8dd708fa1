"""The pytest plugin: run tests under the runtime tracer and fail those that mix batch and time.

Loaded through the ``pytest11`` entry point; it changes nothing unless asked:
``pytest --shapelint`` (or ``shapelint = true`` in ``[tool.pytest.ini_options]``) traces
every test, ``@pytest.mark.shapelint`` one test or module, ``@pytest.mark.shapelint(layouts=
{"tokens": "batch seq"})`` declares layouts, and the ``shapelint`` fixture hands a test the
active tracer to assert on itself. ``--shapelint-typecheck=PKG[,PKG]`` installs jaxtyping's
import hook with beartype for those packages before collection. torch is imported only
when a traced test runs.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

from shapelint.findings import Finding

if TYPE_CHECKING:
    from shapelint.runtime.tracer import Tracer

MARKER = "shapelint(layouts=None): run this test under the shapelint tracer; fail it on findings"
_TRACER_KEY = pytest.StashKey["Tracer"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("shapelint", "tensor layouts (shapelint)")
    group.addoption("--shapelint", action="store_true", default=None, help="trace every test; fail on findings")
    group.addoption(
        "--shapelint-typecheck",
        metavar="PKG[,PKG]",
        default=None,
        help="check jaxtyping annotations with beartype in these packages (installed before collection)",
    )
    parser.addini("shapelint", type="bool", default=False, help="trace every test, as --shapelint")
    parser.addini("shapelint_typecheck", type="args", default=[], help="packages for --shapelint-typecheck")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    option = config.getoption("--shapelint-typecheck")
    packages = [p.strip() for p in option.split(",") if p.strip()] if option else config.getini("shapelint_typecheck")
    if packages:
        from jaxtyping import install_import_hook

        # One call per package: jaxtyping 0.3.11's own option splits a list wrongly (FACTS.md).
        for package in packages:
            install_import_hook(package, "beartype.beartype")


def _enabled(config: pytest.Config) -> bool:
    option = config.getoption("--shapelint")
    return bool(option) if option is not None else bool(config.getini("shapelint"))


@pytest.fixture
def shapelint(request: pytest.FixtureRequest) -> Generator[Tracer, None, None]:
    """The active tracer of this test (started for it if none is), to assert on its findings."""
    from shapelint.runtime.tracer import trace

    marker = request.node.get_closest_marker("shapelint")
    tracer = trace(layouts=marker.kwargs.get("layouts") if marker else None)
    request.node.stash[_TRACER_KEY] = tracer
    with tracer:
        yield tracer


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    marker = item.get_closest_marker("shapelint")
    if _TRACER_KEY in item.stash or not (marker or _enabled(item.config)):
        try:
            return (yield)
        except Exception as error:
            _fail_on_declared_shapes(error)
            raise
    from shapelint.runtime.tracer import trace

    tracer = trace(layouts=marker.kwargs.get("layouts") if marker else None)
    try:
        with tracer:
            result = yield
    except Exception as error:
        _fail_on_declared_shapes(error)
        raise
    findings = tracer.findings
    if findings:
        pytest.fail(_report(findings), pytrace=False)
    return result


def _fail_on_declared_shapes(error: Exception) -> None:
    """A jaxtyping/beartype violation from --shapelint-typecheck, said the way shapelint says it."""
    if type(error).__name__ != "TypeCheckError":
        return
    from shapelint.runtime.rules.declared_layout_violation import DeclaredLayoutViolation, summarise

    message = f"{DeclaredLayoutViolation.code} {DeclaredLayoutViolation.name}: a call breaks its jaxtyping annotations"
    pytest.fail(f"{message}: {summarise(str(error))}", pytrace=False)


def _report(findings: list[Finding]) -> str:
    lines = [f"shapelint found {len(findings)} problem(s) with tensor layouts:"]
    lines += [f"  {f.path}:{f.line}: {f.code} [{f.name}] {f.message}" for f in findings]
    return "\n".join(lines)
