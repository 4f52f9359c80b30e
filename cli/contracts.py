"""``edastack contracts diff OLD NEW``: may a new version of an event schema follow the old one?

Confluent Schema Registry's JSON Schema rules, offline (edastack.blueprints.compatibility;
docs/contracts-compatibility.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from edastack.blueprints.compatibility import (
    MODES,
    CompatibilityResult,
    SchemaError,
    check,
    mode_named,
)
from edastack.cli.arguments import add_format_argument
from edastack.cli.exits import EXIT_OK, EXIT_USAGE, exit_codes

EXIT_INCOMPATIBLE = 1


class _Unreadable(Exception):
    pass


def add_parser(commands: Any) -> None:
    """Register ``contracts`` (and its ``diff``) on the ``edastack`` command's subparsers."""
    contracts = commands.add_parser(
        "contracts",
        help="check how an event contract's JSON Schema evolves",
        description="Event contracts: compare versions of a JSON Schema.",
    )
    actions = contracts.add_subparsers(dest="contracts_command", required=True, metavar="ACTION")
    diff = actions.add_parser(
        "diff",
        help="whether NEW may follow OLD under a compatibility mode, and every change",
        description="Compare two versions of a JSON Schema (draft-07 or 2020-12, JSON or YAML) "
        "with Confluent Schema Registry's rules: backward, the new schema reads everything the "
        "old one accepted; forward, the old one reads what the new one accepts; full, both; "
        "*_transitive is the same for two versions; none checks nothing.",
        epilog=exit_codes(
            {
                EXIT_OK: "compatible",
                EXIT_INCOMPATIBLE: "incompatible",
                EXIT_USAGE: "usage errors (a missing or unreadable file, an invalid JSON Schema)",
            }
        ),
    )
    diff.add_argument("old", metavar="OLD", help="the published schema (.json, .yaml)")
    diff.add_argument("new", metavar="NEW", help="the proposed schema")
    diff.add_argument(
        "--mode",
        type=_mode,
        default="backward",
        metavar="MODE",
        help=f"one of {', '.join(MODES)}, also spelled as Confluent (BACKWARD_TRANSITIVE) or "
        "Glue (BACKWARD_ALL) spell it (default: backward)",
    )
    add_format_argument(diff, "text", "json")


def _mode(name: str) -> str:
    """``--mode``: any spelling the library takes (``mode_named``), its error as argparse's."""
    try:
        return mode_named(name)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def contracts_command(args: argparse.Namespace) -> int:
    try:
        old, new = _read(args.old), _read(args.new)
    except _Unreadable as exc:
        print(f"edastack contracts diff: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = check(old, new, args.mode)
    except SchemaError as exc:
        name = args.old if exc.schema == "old" else args.new
        print(
            f"edastack contracts diff: {name} is not a valid JSON Schema at {exc.path}: "
            f"{exc.reason}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(_json(result) if args.format == "json" else _text(result))
    return EXIT_OK if result.compatible else EXIT_INCOMPATIBLE


def _read(name: str) -> Any:
    path = Path(name)
    if not path.is_file():
        raise _Unreadable(f"no such file: {name}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _Unreadable(f"cannot read {name}: {exc}") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise _Unreadable(f"{name} is not valid YAML: {_one_line(str(exc))}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"{name} is not valid JSON: {exc}") from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _json(result: CompatibilityResult) -> str:
    changes = [{"kind": c.kind, "path": c.path, "breaking": c.breaking} for c in result.changes]
    out = {"compatible": result.compatible, "mode": result.mode, "changes": changes}
    return json.dumps(out, indent=2)


def _text(result: CompatibilityResult) -> str:
    lines = []
    for change in result.changes:
        verdict = "BREAKING" if change.breaking else "ok"
        reading = " (old reads new)" if change.direction == "forward" else ""
        lines.append(f"{verdict:8}  {change.path}  {change.kind}{reading}")
    breaking = len(result.breaking)
    verdict = "compatible" if result.compatible else "incompatible"
    count = f"{len(result.changes)} change{'' if len(result.changes) == 1 else 's'}"
    lines.append(f"{verdict} ({result.mode}): {count}, {breaking} breaking")
    return "\n".join(lines)
