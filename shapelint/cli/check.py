"""`shapelint check`: lint paths (or standard input), repair what can be repaired, report.

The options follow ruff's: `--output-format`, `--statistics`, `-q`/`-s`, `--extend-select`,
`--show-fixes`, `--show-settings`, gitignore respected unless `--no-respect-gitignore`, and
`--force-exclude` for the names pre-commit passes.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shapelint.catalog import all_rules
from shapelint.cli.commands import cache_folder, configurations
from shapelint.cli.common import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, count, error, warn
from shapelint.config import Configs, Overrides, unknown_codes
from shapelint.findings import Finding
from shapelint.report import FORMATS, render, text
from shapelint.static.engine import lint_source
from shapelint.static.fixes import FileFix, fix_paths, fix_source
from shapelint.static.reading import source_encoding
from shapelint.static.run import default_jobs, lint_paths

STDIN = "-"
# `text` is ruff's `concise`: one line per finding; `full` adds the line of code and a marker.
OUTPUT_FORMATS = (*FORMATS, "concise", "full")


def add_check_parser(commands: Any) -> None:
    check = commands.add_parser("check", help="lint files and folders (the default command)")
    check.add_argument(
        "paths", nargs="*", type=Path, default=[Path(".")], help="files or folders (default: .); - reads standard input"
    )
    check.add_argument(
        "--stdin-filename", default=STDIN, help="the file name to report for standard input (with the path -)"
    )
    check.add_argument(
        "--output-format",
        "--format",
        dest="format",
        choices=OUTPUT_FORMATS,
        default="text",
        help="output format (default: text, one line per finding, as `concise`; `full` shows the code)",
    )
    check.add_argument("--select", type=_codes, default=None, help="only these codes or prefixes (e.g. SHP1,SHP002)")
    check.add_argument("--extend-select", type=_codes, default=(), help="add these to the selection")
    check.add_argument("--ignore", type=_codes, default=(), help="skip these codes or prefixes")
    check.add_argument("--extend-ignore", type=_codes, default=(), help="skip these too (as --ignore)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument(
        "--jobs", "-j", type=_jobs, default=1, help=f"processes to use; 0 means one per core ({default_jobs()} here)"
    )
    check.add_argument("--config", type=Path, default=None, help="a configuration file for every file")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache of earlier results")
    check.add_argument(
        "--cache-dir", type=Path, default=None, help="where to keep the cache (default: .shapelint_cache here)"
    )
    repair = check.add_mutually_exclusive_group()
    repair.add_argument("--fix", action="store_true", help="repair what the rules can, in place")
    repair.add_argument("--diff", action="store_true", help="print the repairs as a unified diff; write nothing")
    check.add_argument("--show-fixes", action="store_true", help="list what --fix repaired; mark what it can with [*]")
    check.add_argument("--statistics", action="store_true", help="print the number of findings per code instead")
    loudness = check.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print the findings only, no summary")
    loudness.add_argument("-s", "--silent", action="store_true", help="print nothing; the exit status tells")
    check.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="skip files that .gitignore files ignore (default: on)",
    )
    check.add_argument(
        "--force-exclude", action="store_true", help="apply excludes and .gitignore to files named explicitly too"
    )
    check.add_argument(
        "--show-settings", action="store_true", help="print the configuration that applies to each path, then exit"
    )
    check.add_argument(
        "--show-unknown",
        action="store_true",
        help="list the RNN inputs of unknown layout (why a file is silent)",
    )


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


def check(options: argparse.Namespace) -> int:
    configs = configurations(options.config)
    configs.overrides = Overrides(options.select, options.ignore + options.extend_ignore, options.extend_select)
    for path in options.paths:  # a broken configuration stops the run before any file is read
        configs.for_path(Path.cwd() if path == Path(STDIN) else path)
    if options.show_settings:
        return _show_settings(options.paths, configs)
    if Path(STDIN) in options.paths:
        if len(options.paths) > 1:
            error("- (standard input) cannot be checked together with other paths")
            return EXIT_ERROR
        return _check_stdin(options, configs)
    if options.diff:
        return _diff(options.paths, configs, options.respect_gitignore)
    fixed = _fix(options, configs) if options.fix else []
    run = lint_paths(
        options.paths,
        configs,
        options.jobs,
        options.respect_gitignore,
        options.force_exclude,
        options.show_unknown,
        cache_dir=None if options.no_cache else cache_folder(options.cache_dir),
    )
    for path in run.missing:
        error(f"{path}: no such file or folder")
    for path, why in run.too_large:
        warn(f"{path}: not checked: {why}")
    _report(options, configs, run.findings, run.files_checked, fixed)
    if not options.silent:
        sys.stdout.write(_unknown_notes(run.unknown_inputs))
    if run.missing:
        return EXIT_ERROR
    return EXIT_FINDINGS if run.findings and not options.exit_zero else EXIT_CLEAN


def _report(
    options: argparse.Namespace,
    configs: Configs,
    findings: Sequence[Finding],
    files_checked: int,
    fixed: list[FileFix],
) -> None:
    if options.silent:
        return
    if options.show_fixes and fixed:
        sys.stdout.write(_fixed_list(fixed))
    if options.statistics:
        sys.stdout.write(_statistics(findings))
        return
    fmt = "text" if options.format == "concise" else options.format
    if fmt in ("text", "full"):
        full, quiet = fmt == "full", options.quiet
        sys.stdout.write(text.render(findings, files_checked, full, options.show_fixes, summary=not quiet))
        return
    codes = {finding.code for finding in findings}
    config = configs.for_path(Path.cwd())
    rules = [rule for rule in all_rules() if config.enabled(rule.code) or rule.code in codes]
    sys.stdout.write(render(findings, fmt, rules, files_checked))


def _unknown_notes(unknown: Sequence[tuple[str, tuple[int, ...]]]) -> str:
    """Why a file may be silent: its RNNs read inputs whose layout nothing in the project says."""
    notes = []
    for path, lines in unknown:
        where = ", ".join(str(line) for line in lines[:5]) + (", ..." if len(lines) > 5 else "")
        notes.append(
            f"note: {path}: {count(len(lines), 'RNN input')} of unknown layout (line{'s' if len(lines) > 1 else ''} "
            f"{where}); `shapelint explain {path}:{lines[0]}` shows what is missing\n"
        )
    return "".join(notes)


def _statistics(findings: Sequence[Finding]) -> str:
    """One line per code, most frequent first, as ruff's `--statistics`."""
    counts = Counter(finding.code for finding in findings)
    names = {finding.code: finding.name for finding in findings}
    fixable = {finding.code for finding in findings if finding.fix is not None}
    return "".join(
        f"{number:>5}\t{code}\t{'[*] ' if code in fixable else ''}{names[code]}\n"
        for code, number in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def _fixed_list(fixed: list[FileFix]) -> str:
    lines = [f"Fixed {count(sum(len(outcome.repaired) for outcome in fixed), 'finding')}:"]
    for outcome in fixed:
        lines.append(f"- {outcome.path}:")
        for code, number in sorted(Counter((f.code, f.name) for f in outcome.repaired).items()):
            lines.append(f"    {number} \u00d7 {code[0]} ({code[1]})")
    return "\n".join(lines) + "\n"


def _show_settings(paths: list[Path], configs: Configs) -> int:
    for path in paths:
        config = configs.for_path(path)
        print(f"{path}:")
        print(f"  configuration file: {config.source or '(none: the defaults)'}")
        print(f"  select: {list(config.select) or ['ALL']}")
        print(f"  ignore: {list(config.ignore)}")
        print(f"  exclude: {list(config.exclude)}")
        print(f"  per-file-ignores: {dict((pattern, list(codes)) for pattern, codes in config.per_file_ignores)}")
        if config.conventions.input_layout is not None:
            print(f"  input-layout: {config.conventions.input_layout}")
        if config.max_file_size is not None:
            print(f"  max-file-size: {config.max_file_size:,} bytes")
    return EXIT_CLEAN


def _check_stdin(options: argparse.Namespace, configs: Configs) -> int:
    """An editor's buffer: lint it as `--stdin-filename`; with `--fix` the repaired text goes to stdout
    and the report to stderr, with `--diff` the diff to stdout."""
    data, name = sys.stdin.buffer.read(), options.stdin_filename
    config = configs.for_path(Path(name) if name != STDIN else Path.cwd())
    outcome = fix_source(data, name, config) if options.fix or options.diff else None
    if options.diff:
        sys.stdout.write(outcome.diff() if outcome is not None else "")
        return EXIT_FINDINGS if outcome is not None else EXIT_CLEAN
    if options.fix:
        sys.stdout.buffer.write(outcome.fixed.encode(source_encoding(data)) if outcome is not None else data)
        sys.stdout.flush()
    findings = list(outcome.remaining) if outcome is not None else lint_source(data, name, config)
    findings = [finding for finding in findings if config.enabled(finding.code)]
    rules = [rule for rule in all_rules() if config.enabled(rule.code)]
    report = sys.stderr if options.fix else sys.stdout
    if not options.silent:
        fmt = "text" if options.format in ("concise", "full") else options.format
        report.write(render(findings, fmt, rules, 1))
    return EXIT_FINDINGS if findings and not options.exit_zero else EXIT_CLEAN


def _diff(paths: list[Path], configs: Configs, respect_gitignore: bool) -> int:
    outcomes, missing = fix_paths(paths, configs, write=False, respect_gitignore=respect_gitignore)
    for path in missing:
        error(f"{path}: no such file or folder")
    for outcome in outcomes:
        sys.stdout.write(outcome.diff())
    repaired = sum(len(outcome.repaired) for outcome in outcomes)
    print(f"Would fix {count(repaired, 'finding')} in {count(len(outcomes), 'file')}.", file=sys.stderr)
    if missing:
        return EXIT_ERROR
    return EXIT_FINDINGS if outcomes else EXIT_CLEAN


def _fix(options: argparse.Namespace, configs: Configs) -> list[FileFix]:
    """Repair in place; what could not be repaired is reported by the lint run that follows."""
    outcomes, _ = fix_paths(options.paths, configs, write=True, respect_gitignore=options.respect_gitignore)
    for outcome in outcomes:
        if outcome.not_written is not None:
            error(f"{outcome.path}: not fixed: {outcome.not_written}")
    written = [outcome for outcome in outcomes if outcome.not_written is None]
    repaired = sum(len(outcome.repaired) for outcome in written)
    if not options.silent:
        print(f"Fixed {count(repaired, 'finding')} in {count(len(written), 'file')}.", file=sys.stderr)
    return written
