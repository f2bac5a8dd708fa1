"""What every subcommand shares: exit statuses and how errors are printed."""

from __future__ import annotations

import sys

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def error(message: str) -> None:
    print(f"shapelint: error: {message}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"shapelint: warning: {message}", file=sys.stderr)


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
