"""Arguments that several ``edastack`` commands take alike, and their first step: the
blueprint file they name, validated."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from edastack.blueprints.validate import FileReport, validate_file


def add_blueprint_command(
    commands: Any, name: str, *, summary: str, description: str, epilog: str
) -> argparse.ArgumentParser:
    """Register ``name`` on the ``edastack`` command's subparsers, with its first argument:
    the blueprint file."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description, epilog=epilog
    )
    parser.add_argument("blueprint", metavar="BLUEPRINT", help="the blueprint file")
    return parser


def add_format_argument(parser: argparse.ArgumentParser, *formats: str) -> None:
    """``--format``, one of ``formats``; the first is the default."""
    parser.add_argument("--format", choices=formats, default=formats[0])


def add_env_argument(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--env NAME`` (repeatable): only these environments of the blueprint."""
    parser.add_argument(
        "--env",
        action="append",
        metavar="NAME",
        help=f"{verb} only this environment (repeatable; default: every declared one)",
    )


def validated(
    args: argparse.Namespace, command: str, *, missing: int, invalid: int
) -> FileReport | int:
    """The report of ``args.blueprint`` in ``args.env`` without errors, or the exit code after
    saying why not: ``missing`` for no such file, ``invalid`` after printing its errors."""
    path = Path(args.blueprint)
    if not path.is_file():
        print(f"edastack {command}: no such file: {args.blueprint}", file=sys.stderr)
        return missing
    report = validate_file(path, args.env)
    if not report.ok:
        for finding in report.errors:
            print(finding.format())
        return invalid
    return report
