"""``edastack diff``: what a blueprint change adds, changes, replaces or removes, stack by stack.

Compare a blueprint with an earlier version of it, resource by resource, per environment and
stack: added, changed in place, replaced, moved or removed, the blueprint key that causes each
and whether it holds data, then the dangerous changes (what ``validate --baseline`` warns about
or refuses) that no entity acknowledges. Works on the model and the stack layout, not on
synthesized templates: no CDK, about as fast as ``validate``. Lists the principal resources
(those holding data, those whose create-only properties the blueprint sets, and each entity's
own), not the IAM roles, policies, alarms and permissions that follow an entity.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.contract_evolution import CODE as EVOLUTION
from edastack.blueprints.findings import Finding, format_path
from edastack.blueprints.findings import Path as JsonPath
from edastack.blueprints.replacement import CODE, MOVE
from edastack.blueprints.replacement_compare import Change, by_stack
from edastack.blueprints.replacement_inventory import changes
from edastack.cli.arguments import (
    add_blueprint_command,
    add_env_argument,
    add_format_argument,
    validated,
)
from edastack.cli.baseline import BaselineError, add_findings, load_baseline

EXIT_NONE, EXIT_CHANGES, EXIT_DANGEROUS, EXIT_UNREADABLE = 0, 1, 2, 4
EXITS = {
    EXIT_NONE: "no change",
    EXIT_CHANGES: "changes, none dangerous (or every one acknowledged)",
    EXIT_DANGEROUS: "dangerous changes not acknowledged (a replacement or stranding of "
    "something that holds data, or a change CloudFormation or the service would refuse)",
    EXIT_UNREADABLE: "the blueprint or the baseline cannot be read or has errors, or an "
    "unknown --env",
}
# argparse exits 2 on a usage error, which diff's codes give another meaning
_USAGE_NOTE = "A usage error exits 2, as for every command, with the usage on stderr."
# what validate --baseline warns about or refuses: replacements, moves, shrinks and contract
# versions that change in place, go down or break their compatibility
DANGER_CODES = frozenset({CODE, MOVE, "shrink", EVOLUTION})
_SIGN = {"added": "+", "removed": "-", "changed": "~", "replaced": "!", "moved": ">"}


def add_parser(commands: Any) -> None:
    """Register ``diff`` on the ``edastack`` command's subparsers."""
    diff = add_blueprint_command(commands, "diff", __doc__, EXITS, note=_USAGE_NOTE)
    diff.add_argument(
        "--baseline",
        required=True,
        metavar="FILE|git:REF",
        help="the earlier version: a file, or git:REF for BLUEPRINT at a git revision",
    )
    add_env_argument(diff, "compare")
    add_format_argument(diff, "text", "json", "markdown")


def diff(args: argparse.Namespace) -> int:
    report = validated(args, "diff", missing=EXIT_UNREADABLE, invalid=EXIT_UNREADABLE)
    if isinstance(report, int):
        return report
    path = Path(args.blueprint)
    try:
        old = load_baseline(path, args.baseline)
    except BaselineError as exc:
        print(f"edastack diff: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    ours = set(report.findings)
    add_findings(report, old)
    dangerous = [f for f in report.findings if f not in ours and f.code in DANGER_CODES]
    per_env = _per_environment(old.blueprints, report.blueprints, gone=args.env is None)
    out = {"json": _json, "markdown": _markdown}.get(args.format, _text)
    print(out(_Diff(report.file, args.baseline, per_env, dangerous)))
    if dangerous:
        return EXIT_DANGEROUS
    return EXIT_CHANGES if any(per_env.values()) else EXIT_NONE


@dataclass(frozen=True)
class _Diff:
    """What ``diff`` reports: the changes per environment, and the dangerous ones."""

    file: str
    baseline: str
    per_env: dict[str, list[Change]]
    dangerous: list[Finding]

    def groups(self) -> Iterator[tuple[str, str, list[Change]]]:
        """Each environment's changes, stack by stack: (environment, stack, changes)."""
        for env, found in self.per_env.items():
            for stack, group in by_stack(found):
                yield env, stack, group


def _per_environment(
    old: dict[str, m.Blueprint], new: dict[str, m.Blueprint], *, gone: bool
) -> dict[str, list[Change]]:
    """The changes of every environment compared (and of those the blueprint no longer has)."""
    names = [*new, *(sorted(old.keys() - new.keys()) if gone else [])]
    return {name: changes(old.get(name), new.get(name)) for name in names}


def _key(path: JsonPath) -> str:
    return format_path(path).removeprefix("$.") or "(blueprint)"


def _field(name: str) -> str:
    """A model field as the blueprint key it comes from (``retention_s`` → ``retention``)."""
    return re.sub(r"_(s|ms|days|gib|bytes)$", "", name)


def _causes(change: Change) -> list[str]:
    """The blueprint keys behind a change: its causes, or the entity with the fields changed."""
    if change.kind in ("replaced", "moved") or change.refused:
        return [_key(c) for c in change.causes]
    fields = f" ({', '.join(_field(f) for f in change.fields)})" if change.fields else ""
    return [_key(change.resource.path) + fields]


def _entry(change: Change) -> dict[str, Any]:
    r = change.resource
    return {
        "change": change.kind,
        "resource": r.key,
        "type": r.type,
        "what": r.what,
        "caused_by": _causes(change),
        "holds_data": r.holds_data,
        "properties": [p.removeprefix("/properties/") for p in change.properties],
        "name_collides": change.collides,
        "update_refused": change.refused,
    }


def _json(d: _Diff) -> str:
    environments: dict[str, dict[str, list[dict[str, Any]]]] = {env: {} for env in d.per_env}
    for env, stack, group in d.groups():
        environments[env][stack] = [_entry(c) for c in group]
    data = {
        "blueprint": d.file,
        "baseline": d.baseline,
        "environments": environments,
        "changes": sum(len(found) for found in d.per_env.values()),
        "dangerous": [f.as_dict() for f in d.dangerous],
    }
    return json.dumps(data, indent=2)


def _line(change: Change) -> str:
    entry = _entry(change)
    notes = [
        "holds data" if entry["holds_data"] else "",
        f"create-only: {', '.join(entry['properties'])}" if change.kind == "replaced" else "",
        "name stays: CloudFormation fails" if change.collides else "",
        "not updatable" if change.refused else "",
    ]
    detail = "; ".join(n for n in notes if n)
    return (
        f"  {_SIGN[change.kind]} {change.kind:<8} {entry['what']} ({entry['type']})"
        f"{f' [{detail}]' if detail else ''} <- {', '.join(entry['caused_by'])}"
    )


def _text(d: _Diff) -> str:
    lines = [f"{d.file} against {d.baseline}"]
    for env, stack, group in d.groups():
        label = "" if env == m.DEFAULT_ENVIRONMENT else f" [{env}]"
        lines += ["", f"{stack}{label}", *(_line(c) for c in group)]
    if d.dangerous:
        lines += ["", "dangerous, not acknowledged:", *(f"  {f.format()}" for f in d.dangerous)]
    lines += ["", _summary(d)]
    return "\n".join(lines)


def _summary(d: _Diff) -> str:
    count = sum(len(found) for found in d.per_env.values())
    stacks = {(env, c.resource.stack) for env, found in d.per_env.items() for c in found}
    if not count and not d.dangerous:
        return "no change"
    return (
        f"{count} change{'s' if count != 1 else ''} in {len(stacks)} "
        f"stack{'s' if len(stacks) != 1 else ''}; {len(d.dangerous)} dangerous"
    )


def _markdown(d: _Diff) -> str:
    lines = [f"### edastack diff: `{d.file}` against `{d.baseline}`", "", _summary(d)]
    for env, stack, group in d.groups():
        env_label = "" if env == m.DEFAULT_ENVIRONMENT else f" ({env})"
        lines += ["", f"#### `{stack}`{env_label}", ""]
        lines += ["| | change | resource | type | holds data | caused by |"]
        lines += ["| --- | --- | --- | --- | --- | --- |"]
        lines += [_row(c) for c in group]
    if d.dangerous:
        lines += ["", "#### Dangerous, not acknowledged", ""]
        lines += [f"- **{f.severity}** `{f.json_path}`: {_md(f.message)}" for f in d.dangerous]
    return "\n".join(lines)


def _row(change: Change) -> str:
    entry = _entry(change)
    kind = change.kind + (" (fails: name stays)" if change.collides else "")
    causes = ", ".join(f"`{c}`" for c in entry["caused_by"])
    data = "yes" if entry["holds_data"] else ""
    cells: Iterable[str] = (
        _SIGN[change.kind],
        kind,
        _md(entry["what"]),
        f"`{entry['type']}`",
        data,
        causes,
    )
    return "| " + " | ".join(cells) + " |"


def _md(text: str) -> str:
    """``text`` safe in a Markdown table cell or list item."""
    return text.replace("|", "\\|").replace("\n", " ")
