"""The `shapelint` command: parse the command line and hand each subcommand to its module.
Formatting only; no analysis here."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from shapelint.cli.check import add_check_parser, check
from shapelint.cli.commands import clean_cache, explain_line, list_rules, run, show_rule, verify
from shapelint.cli.common import EXIT_ERROR, EXIT_FINDINGS, error
from shapelint.config import ConfigError
from shapelint.report import FORMATS

COMMANDS = ("check", "rules", "rule", "explain", "run", "verify", "clean")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status (0 clean, 1 findings, 2 error)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in (*COMMANDS, "-h", "--help", "--version"):
        arguments.insert(0, "check")  # `shapelint src/` means `shapelint check src/`
    options = _parser().parse_args(arguments)
    try:
        if options.command == "rules":
            return list_rules()
        if options.command == "rule":
            return show_rule(options.code)
        if options.command == "explain":
            return explain_line(options)
        if options.command == "run":
            return run(options)
        if options.command == "verify":
            return verify(options)
        if options.command == "clean":
            return clean_cache(options)
        return check(options)
    except ConfigError as problem:
        error(str(problem))
        return EXIT_ERROR
    except KeyboardInterrupt:
        error("interrupted")
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
    add_check_parser(commands)
    commands.add_parser("rules", help="list the rules")
    rule = commands.add_parser("rule", help="print one rule's documentation")
    rule.add_argument("code", help="a rule code, e.g. SHP101")
    line = commands.add_parser(
        "explain", help="show the layouts inferred on one line and the evidence behind them (or what is missing)"
    )
    line.add_argument("place", help="PATH:LINE, e.g. model.py:23 (PATH:cell N:LINE in a notebook)")
    line.add_argument("--config", type=Path, default=None, help="a configuration file instead of searching upward")
    runner = commands.add_parser("run", help="run a Python program under the runtime tracer, then report")
    runner.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    runner.add_argument("--output", type=Path, default=None, help="write the report here (the program owns stdout)")
    runner.add_argument("script", type=Path, help="the program, run as __main__")
    runner.add_argument("arguments", nargs=argparse.REMAINDER, help="its own arguments")
    checker = commands.add_parser(
        "verify", help="run the reference models, buggy and fixed, through both halves and the behavioural checks"
    )
    checker.add_argument(
        "--device", choices=("cpu", "cuda", "all"), default="cpu", help="where to run them (default: cpu)"
    )
    checker.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    cleaner = commands.add_parser("clean", help="remove the cache of `check` (.shapelint_cache here, or --cache-dir)")
    cleaner.add_argument("--cache-dir", type=Path, default=None, help="the cache folder to remove")
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("shapelint")
    except PackageNotFoundError:
        return "unknown"
