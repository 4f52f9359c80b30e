"""How a contract may evolve: its schema against the earlier versions it declares
(``previous``), and with ``validate --baseline`` against the baseline's contract of the same name.

A published version is immutable, versions only go up, and a new version keeps its
``compatibility`` mode (Confluent's JSON Schema rules, :mod:`edastack.blueprints.compatibility`)
with the last earlier version, or with every one in a ``*_transitive`` mode. A contract a topic
registers in Glue also keeps its earlier versions, in order: Glue's versions are never
rewritten (``constructs.glue_schema_registry``). Each finding is an error that the contract may
acknowledge (``acknowledge: {contract-evolution: <reason>}``); compatible evolutions are silent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.compatibility import SchemaError, check
from edastack.blueprints.findings import Finding, error

CODE = "contract-evolution"
ACK = "or acknowledge: {contract-evolution: <reason>}"
TRANSITIVE = "_transitive"


@dataclass(frozen=True)
class Earlier:
    """An earlier version's schema, as a message names it."""

    schema: Mapping[str, Any]
    label: str


def declared(c: m.Contract) -> Iterator[Finding]:
    """The contract's schema against the earlier versions it lists in ``previous``."""
    if CODE in c.acknowledged:
        return
    earlier = [
        Earlier(p.schema, _label(p.file, f"previous[{i}]")) for i, p in enumerate(c.previous)
    ]
    yield from _breaking(c, earlier)


def evolutions(old: m.Blueprint, new: m.Blueprint) -> Iterator[Finding]:
    """Each contract of ``new`` against the contract of ``old`` with the same name."""
    registered = {c.name for c in old.registered_contracts} & {
        c.name for c in new.registered_contracts
    }
    for name, after in new.contracts.items():
        before = old.contracts.get(name)
        if before is None or CODE in after.acknowledged:
            continue
        if name in registered:  # in Glue before and after
            yield from _glue_history(before, after)
        yield from _evolution(before, after)


def _evolution(old: m.Contract, new: m.Contract) -> Iterator[Finding]:
    if new.version < old.version:
        yield error(
            CODE,
            (*new.path, "version"),
            f"contract '{new.name}' goes down from version {old.version} to {new.version}: "
            "versions only go up (producers, consumers and the registries know the published "
            f"one); give the schema version {old.version + 1} or more, {ACK}",
        )
    elif new.version == old.version:
        if new.schema != old.schema:
            yield error(
                CODE,
                (*new.path, "schema"),
                f"contract '{new.name}' changes its schema ({_label(new.schema_file, 'inline')}) "
                f"under the same version {new.version}: a published version is immutable; "
                f"give the change version {new.version + 1}, {ACK}",
            )
    else:
        yield from _breaking(new, _baseline_earlier(old, new))


def _baseline_earlier(old: m.Contract, new: m.Contract) -> list[Earlier]:
    """The baseline's versions the new contract's ``previous`` does not already list (those
    :func:`declared` checks), oldest first, the baseline's current one last."""
    listed = [p.schema for p in new.previous]
    earlier = [
        *(Earlier(p.schema, f"the baseline's {_label(p.file, 'previous')}") for p in old.previous),
        Earlier(old.schema, f"the baseline's version {old.version}"),
    ]
    if not new.compatibility.endswith(TRANSITIVE):
        return [] if old.schema in listed else earlier[-1:]
    return [e for e in earlier if e.schema not in listed]


def _breaking(c: m.Contract, earlier: Sequence[Earlier]) -> Iterator[Finding]:
    """An error for each earlier version the contract's schema breaks its mode with: the last
    one, or every one in a transitive mode."""
    if c.compatibility == "none":
        return
    mode = c.compatibility.removesuffix(TRANSITIVE)
    against = earlier if c.compatibility.endswith(TRANSITIVE) else earlier[-1:]
    for e in against:
        try:
            result = check(e.schema, c.schema, mode=mode)
        except SchemaError as exc:
            yield error(
                "contract-schema", (*c.path, "schema"), f"cannot compare with {e.label}: {exc}"
            )
            return
        if result.compatible:
            continue
        pointers = ", ".join(f"{x.path} ({x.kind})" for x in result.changes if x.breaking)
        yield error(
            CODE,
            (*c.path, "schema"),
            f"contract '{c.name}' version {c.version} ({_label(c.schema_file, 'inline schema')}) "
            f"is not {c.compatibility}-compatible with {e.label}: {pointers}; make the change "
            "compatible, ship it as a new contract (a new detail-type) beside this one, "
            f"or change compatibility, {ACK}",
        )


def _glue_history(old: m.Contract, new: m.Contract) -> Iterator[Finding]:
    """Glue registers a contract topic's versions in order: the baseline's must stay first."""
    if tuple(new.history[: len(old.history)]) == tuple(old.history):
        return
    files = [p.file or "<inline>" for p in old.previous]
    if new.schema != old.schema:  # the baseline's current version is an earlier one now
        files.append(old.schema_file or "<inline>")
    yield error(
        CODE,
        (*new.path, "previous"),
        f"contract '{new.name}' is registered in Glue by a topic, whose schema versions are "
        "kept in order and never rewritten: list the baseline's earlier schemas in previous, "
        f"oldest first (previous: [{', '.join(files)}]), {ACK}",
    )


def _label(file: str | None, inline: str) -> str:
    return file if file is not None else inline
