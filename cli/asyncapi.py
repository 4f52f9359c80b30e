"""``edastack asyncapi``: export a blueprint's events as an AsyncAPI 3.0 document (EventCatalog
imports it).

Print a blueprint as one AsyncAPI 3.0.0 document, which EventCatalog and the AsyncAPI tools
import: a server per Kafka cluster and per bus, a channel per topic and per detail-type on a
bus, a message per contract (its schema as draft-07, its examples) and the operations of
bridges, producers and rule targets. JSON on standard output; with -o FILE, written to FILE
(YAML when it ends in .yaml or .yml), whole or not at all: a temporary file in the same folder
replaces FILE when complete.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from edastack.blueprints.asyncapi import AsyncApiError, asyncapi_document
from edastack.blueprints.asyncapi_rules import document_problems
from edastack.cli.arguments import add_blueprint_command
from edastack.cli.exits import EXIT_BUG, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from edastack.cli.route import add_environment, load_one

EXITS = {
    EXIT_OK: "written",
    EXIT_FINDINGS: "the blueprint has errors or cannot be described",
    EXIT_USAGE: "usage errors (no such blueprint or environment, an unwritable FILE)",
}
_YAML_SUFFIXES = (".yaml", ".yml")


def add_parser(commands: Any) -> None:
    """Register ``asyncapi`` on the ``edastack`` command's subparsers."""
    parser = add_blueprint_command(commands, "asyncapi", __doc__, EXITS)
    add_environment(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output; YAML if FILE ends in .yaml or .yml",
    )


def asyncapi_command(args: argparse.Namespace) -> int:
    bp = load_one(args, "asyncapi")
    if isinstance(bp, int):
        return bp
    try:
        document = asyncapi_document(bp)
    except AsyncApiError as exc:
        print(f"edastack asyncapi: {exc}", file=sys.stderr)
        return EXIT_FINDINGS
    problems = document_problems(document)
    if problems:  # the exporter broke AsyncAPI's rules: never hand that document out
        print(
            "edastack asyncapi: internal error: the document breaks AsyncAPI's rules (this is a "
            "bug in edastack; please report it with the blueprint): " + "; ".join(problems),
            file=sys.stderr,
        )
        return EXIT_BUG
    if args.output is None:
        print(render(document, yaml_format=False), end="")
        return EXIT_OK
    target = Path(args.output)
    try:
        write_whole(target, render(document, yaml_format=target.suffix in _YAML_SUFFIXES))
    except OSError as exc:
        print(
            f"edastack asyncapi: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr
        )
        return EXIT_USAGE
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def render(document: dict[str, Any], *, yaml_format: bool) -> str:
    """The document as JSON (2-space indent) or as block-style YAML, keys in document order."""
    if yaml_format:
        return yaml.dump(
            document, Dumper=_Yaml12SafeDumper, sort_keys=False, allow_unicode=True, width=100
        )
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# Strings a YAML 1.2 reader (the AsyncAPI tools' js-yaml) takes for numbers, which PyYAML, a
# YAML 1.1 writer, leaves unquoted: "1e5", "0o17", "0x1f" (a detail-type, or the version
# checksum, would come back as a number).
_YAML12_NUMBER = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)


class _Yaml12SafeDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, quoting the strings a YAML 1.2 reader would not read as strings."""


def _string(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if _YAML12_NUMBER.fullmatch(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Yaml12SafeDumper.add_representer(str, _string)


def write_whole(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically: complete, or not changed at all."""
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        umask = os.umask(0)  # read it: mkstemp makes the file private, a written one is not
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
