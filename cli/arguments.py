"""How ``edastack`` commands register, the arguments several take alike, and their first step:
the blueprint file they name, validated."""

from __future__ import annotations

import argparse
import inspect
import os
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from edastack.blueprints.validate import FileReport, validate_file
from edastack.cli.exits import exit_codes

# A command module's docstring: "``edastack NAME``: its summary." (a paragraph), then its
# description; reST literals read as plain text in a terminal.
_SUMMARY = re.compile(r"``edastack [^`]+``: (?P<summary>.+)\.", re.DOTALL)
_LITERAL = re.compile(r"``([^`]+)``")


def add_command(
    commands: Any, name: str, doc: str | None, exits: Mapping[int, str], note: str = ""
) -> argparse.ArgumentParser:
    """Register ``name`` on ``commands`` (subparsers), in the words of ``doc``, its module's
    docstring: the summary the command list shows, the description; the epilog lists the
    command's ``exits`` and ``note`` (``exit_codes``)."""
    first, _, rest = inspect.cleandoc(doc or "").partition("\n\n")
    summary = _SUMMARY.fullmatch(first)
    if summary is None:
        raise ValueError(f"{name}: the docstring does not start with ``edastack {name}``: ...")
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=" ".join(summary["summary"].split()),
        description=_LITERAL.sub(r"\1", rest),
        epilog=exit_codes(exits, note),
    )
    return parser


def add_blueprint_command(
    commands: Any, name: str, doc: str | None, exits: Mapping[int, str], note: str = ""
) -> argparse.ArgumentParser:
    """``add_command``, with the command's first argument: the blueprint file."""
    parser = add_command(commands, name, doc, exits, note)
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
    saying why not: ``missing`` for no such file or environment, ``invalid`` after printing its
    errors."""
    path = Path(args.blueprint)
    if not path.is_file():
        print(f"edastack {command}: no such file: {args.blueprint}", file=sys.stderr)
        return missing
    report = validate_file(path, args.env)
    if refused_environments(report, command):
        return missing
    if not report.ok:
        for finding in report.errors:
            print(finding.format())
        return invalid
    return report


def refused_environments(report: FileReport, command: str) -> bool:
    """Whether ``report`` was asked for environments its file does not declare, after saying
    so on stderr, a line each: a usage error, not an error of the blueprint."""
    if not report.unknown_environments:
        return False
    for finding in report.errors:  # only these, one an environment, naming those declared
        print(f"edastack {command}: {report.file}: {finding.message}", file=sys.stderr)
    return True


def out_refused(command: str, out: Path, kept: Sequence[Path] = ()) -> bool:
    """Whether ``--out`` cannot be the folder of ``command``'s cloud assembly, after saying why
    on stderr (a usage error, before anything runs): a file there or above it, no right to write
    there, or (``kept``: paths a command that replaces ``out`` whole must not remove) holding
    one of ``kept``."""
    problem = _folder_problem(out) or next(
        (
            f"it holds {path}, which {command} would replace"
            for path in kept
            if path.resolve().is_relative_to(out.resolve())
        ),
        None,
    )
    if problem is not None:
        print(
            f"edastack {command}: --out {out}: {problem}; name a folder for the cloud assembly",
            file=sys.stderr,
        )
    return problem is not None


def _folder_problem(out: Path) -> str | None:
    if out.exists() and not out.is_dir():
        return "a file is there, not a folder"
    # the folders written in: out, and the nearest existing one its parents are made in
    above = next((p for p in out.parents or out.absolute().parents if p.exists()), out)
    if not above.is_dir():
        return f"{above} is a file, not a folder"
    for folder in (out, above) if out.exists() else (above,):
        try:  # a folder made and removed: os.access says yes to root, even in /proc
            os.rmdir(tempfile.mkdtemp(prefix=".edastack-probe-", dir=folder))
        except OSError as exc:
            return f"cannot write in {folder} ({exc.strerror or exc})"
    return None
