"""The `shapelint` command: lint paths, list rules, explain a rule. Formatting only; no analysis here."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from shapelint.catalog import all_rules, rule_by_code
from shapelint.config import Config, ConfigError, find_pyproject, load_config, unknown_codes
from shapelint.report import FORMATS, render
from shapelint.static.engine import default_jobs, lint_paths, lint_source
from shapelint.static.fixes import fix_paths, fix_source
from shapelint.static.reading import source_encoding

COMMANDS = ("check", "rules", "rule", "explain", "run", "verify")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = "-"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status (0 clean, 1 findings, 2 error)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in (*COMMANDS, "-h", "--help", "--version"):
        arguments.insert(0, "check")  # `shapelint src/` means `shapelint check src/`
    options = _parser().parse_args(arguments)
    try:
        if options.command == "rules":
            return _list_rules()
        if options.command == "rule":
            return _explain(options.code)
        if options.command == "explain":
            return _explain_line(options)
        if options.command == "run":
            return _run(options)
        if options.command == "verify":
            return _verify(options)
        return _check(options)
    except ConfigError as error:
        _error(str(error))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader (`| head`) left: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shapelint",
        description="Find views and RNN uses that swap or mix the batch and time axes of PyTorch sequence models.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="lint files and folders (the default command)")
    check.add_argument(
        "paths", nargs="*", type=Path, default=[Path(".")], help="files or folders (default: .); - reads standard input"
    )
    check.add_argument(
        "--stdin-filename", default=STDIN, help="the file name to report for standard input (with the path -)"
    )
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--select", type=_codes, default=None, help="only these codes or prefixes (e.g. SHP1,SHP002)")
    check.add_argument("--ignore", type=_codes, default=(), help="skip these codes or prefixes")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument(
        "--jobs", "-j", type=_jobs, default=1, help=f"processes to use; 0 means one per core ({default_jobs()} here)"
    )
    check.add_argument("--config", type=Path, default=None, help="pyproject.toml to read instead of searching upward")
    repair = check.add_mutually_exclusive_group()
    repair.add_argument("--fix", action="store_true", help="repair what the rules can, in place")
    repair.add_argument("--diff", action="store_true", help="print the repairs as a unified diff; write nothing")
    commands.add_parser("rules", help="list the rules")
    explain = commands.add_parser("rule", help="print one rule's documentation")
    explain.add_argument("code", help="a rule code, e.g. SHP101")
    line = commands.add_parser(
        "explain", help="show the layouts inferred on one line and the evidence behind them (or what is missing)"
    )
    line.add_argument("place", help="PATH:LINE, e.g. model.py:23")
    line.add_argument("--config", type=Path, default=None, help="pyproject.toml to read instead of searching upward")
    run = commands.add_parser("run", help="run a Python program under the runtime tracer, then report")
    run.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    run.add_argument("--output", type=Path, default=None, help="write the report here (the program owns stdout)")
    run.add_argument("script", type=Path, help="the program, run as __main__")
    run.add_argument("arguments", nargs=argparse.REMAINDER, help="its own arguments")
    verify = commands.add_parser(
        "verify", help="run the reference models, buggy and fixed, through both halves and the behavioural checks"
    )
    verify.add_argument(
        "--device", choices=("cpu", "cuda", "all"), default="cpu", help="where to run them (default: cpu)"
    )
    verify.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    return parser


def _codes(text: str) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in text.split(",") if code.strip())
    unknown = unknown_codes(codes)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown rule code(s) {', '.join(unknown)} (`shapelint rules` lists them)")
    return codes


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError("must be 0 (one per core) or more")
    return jobs or default_jobs()


def _check(options: argparse.Namespace) -> int:
    config = _config(options.config).with_overrides(options.select, options.ignore)
    if Path(STDIN) in options.paths:
        if len(options.paths) > 1:
            _error("- (standard input) cannot be checked together with other paths")
            return EXIT_ERROR
        return _check_stdin(options, config)
    if options.diff:
        return _diff(options.paths, config)
    if options.fix:
        _fix(options.paths, config)
    run = lint_paths(options.paths, config, jobs=options.jobs)
    for path in run.missing:
        _error(f"{path}: no such file or folder")
    rules = [rule for rule in all_rules() if config.enabled(rule.code)]
    sys.stdout.write(render(run.findings, options.format, rules, run.files_checked))
    if run.missing:
        return EXIT_ERROR
    return EXIT_FINDINGS if run.findings and not options.exit_zero else EXIT_CLEAN


def _check_stdin(options: argparse.Namespace, config: Config) -> int:
    """An editor's buffer: lint it as `--stdin-filename`; with `--fix` the repaired text goes to stdout
    and the report to stderr, with `--diff` the diff to stdout."""
    data, name = sys.stdin.buffer.read(), options.stdin_filename
    outcome = fix_source(data, name, config) if options.fix or options.diff else None
    if options.diff:
        sys.stdout.write(outcome.diff() if outcome is not None else "")
        return EXIT_FINDINGS if outcome is not None else EXIT_CLEAN
    if options.fix:
        sys.stdout.buffer.write(outcome.fixed.encode(source_encoding(data)) if outcome is not None else data)
        sys.stdout.flush()
    findings = list(outcome.remaining) if outcome is not None else lint_source(data, name, config)
    rules = [rule for rule in all_rules() if config.enabled(rule.code)]
    report = sys.stderr if options.fix else sys.stdout
    report.write(render(findings, options.format, rules, 1))
    return EXIT_FINDINGS if findings and not options.exit_zero else EXIT_CLEAN


def _diff(paths: list[Path], config: Config) -> int:
    outcomes, missing = fix_paths(paths, config, write=False)
    for path in missing:
        _error(f"{path}: no such file or folder")
    for outcome in outcomes:
        sys.stdout.write(outcome.diff())
    repaired = sum(len(outcome.repaired) for outcome in outcomes)
    print(f"Would fix {_count(repaired, 'finding')} in {_count(len(outcomes), 'file')}.", file=sys.stderr)
    if missing:
        return EXIT_ERROR
    return EXIT_FINDINGS if outcomes else EXIT_CLEAN


def _fix(paths: list[Path], config: Config) -> None:
    """Repair in place; what could not be repaired is reported by the lint run that follows."""
    outcomes, _ = fix_paths(paths, config, write=True)
    for outcome in outcomes:
        if outcome.not_written is not None:
            _error(f"{outcome.path}: not fixed: {outcome.not_written}")
    written = [outcome for outcome in outcomes if outcome.not_written is None]
    repaired = sum(len(outcome.repaired) for outcome in written)
    print(f"Fixed {_count(repaired, 'finding')} in {_count(len(written), 'file')}.", file=sys.stderr)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _config(explicit: Path | None) -> Config:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such file")
        return load_config(explicit)
    return load_config(find_pyproject(Path.cwd()))


def _explain_line(options: argparse.Namespace) -> int:
    from shapelint.static.discovery import discover
    from shapelint.static.explain import ExplainError, explain
    from shapelint.static.project.index import Project

    path_text, _, line_text = options.place.rpartition(":")
    if not path_text or not line_text.isdigit():
        _error(f"{options.place}: expected PATH:LINE, e.g. model.py:23")
        return EXIT_ERROR
    path = Path(path_text)
    if not path.is_file():
        _error(f"{path}: no such file")
        return EXIT_ERROR
    config = _config(options.config)
    files, _ = discover([project_root(path)], config)
    try:
        sys.stdout.write(explain(path, int(line_text), config, Project.from_files([*files, path])))
    except ExplainError as error:
        _error(str(error))
        return EXIT_ERROR
    return EXIT_CLEAN


def project_root(path: Path) -> Path:
    """The folder of the project a file belongs to: the nearest one above it with a pyproject.toml or a
    .git, else the file's own folder."""
    folder = path.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file() or (candidate / ".git").exists():
            return candidate
    return folder


def _run(options: argparse.Namespace) -> int:
    if not options.script.is_file():
        _error(f"{options.script}: no such file")
        return EXIT_ERROR
    try:
        from shapelint.runtime.script import run_script
    except ImportError as error:
        return _runtime_missing(error)
    return run_script(options.script, options.arguments, options.format, options.output)


def _verify(options: argparse.Namespace) -> int:
    try:
        from shapelint.verify import DEVICES, verify
        from shapelint.verify.table import render_json, render_text
    except ImportError as error:
        return _runtime_missing(error)
    devices = DEVICES if options.device == "all" else (options.device,)
    rows = verify(devices)
    render = render_json if options.format == "json" else render_text
    sys.stdout.write(render(rows, devices))
    return EXIT_FINDINGS if any(row.problems for row in rows) else EXIT_CLEAN


def _runtime_missing(error: ImportError) -> int:
    """An import failed: for want of the runtime extra, say how to install it; else it is a bug."""
    if error.name is None or error.name.split(".")[0] not in ("torch", "jaxtyping", "beartype"):
        raise error
    from shapelint.runtime import INSTALL_HINT

    _error(INSTALL_HINT)
    return EXIT_ERROR


def _list_rules() -> int:
    for rule in all_rules():
        print(f"{rule.code}  {rule.name:<20}  {rule.summary()}")
    return EXIT_CLEAN


def _explain(code: str) -> int:
    rule = rule_by_code(code)
    if rule is None:
        known = ", ".join(rule.code for rule in all_rules())
        _error(f"no rule {code!r}; known codes: {known}")
        return EXIT_ERROR
    print(f"{rule.code} {rule.name}\n\n{rule.docs()}\n\nFix: {rule.fix_title}")
    return EXIT_CLEAN


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("shapelint")
    except PackageNotFoundError:
        return "unknown"


def _error(message: str) -> None:
    print(f"shapelint: error: {message}", file=sys.stderr)
