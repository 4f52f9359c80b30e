"""Semantic checks of event contracts: a valid JSON Schema EventBridge's registry can take,
and examples that match it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable

from edastack.aws import glue
from edastack.aws.draft4 import SchemaConversionError, to_draft4
from edastack.blueprints import contract_evolution
from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, Path, error, warning


def contracts(ctx: Checks) -> Iterator[Finding]:
    yield from _one_per_event(ctx)
    yield from _topics(ctx)
    yield from _glue(ctx)
    for c in ctx.bp.contracts.values():
        where = (*c.path, "schema")
        dialect = c.schema.get("$schema")
        if dialect is not None and not isinstance(dialect, str):
            yield error(
                "contract-schema",
                where,
                f"$schema names the JSON Schema dialect as a URI string, found {dialect!r}",
            )
            continue
        try:
            yield from _contract(ctx, c, where)
        except RecursionError:
            yield error(
                "contract-schema",
                where,
                "the schema refers to itself without end ($ref cycle with nothing in between)",
            )


def _one_per_event(ctx: Checks) -> Iterator[Finding]:
    """One contract per event: its versions are ``previous`` and ``schema``, so a second
    contract of the same source and detail-type, in any version, would escape the
    compatibility check (a breaking change ships under a new detail-type instead)."""
    events: dict[tuple[str, str], m.Contract] = {}
    for c in ctx.bp.contracts.values():
        first = events.setdefault((c.source, c.detail_type), c)
        if first is c:
            continue
        both = (
            f"contracts '{first.name}' (version {first.version}) and '{c.name}' (version "
            f"{c.version}) both describe {c.source} / {c.detail_type}"
        )
        how = (
            "one contract per source and detail-type; earlier versions go in previous, and a "
            "breaking change ships as a new contract with a new detail-type"
        )
        if first.version == c.version:
            yield error("duplicate-name", (*c.path, "detail_type"), f"{both}: {how}")
        elif not ctx.acknowledged(c.acknowledged, "contract-event"):
            # Valid in 0.1.0 and the language is a public API: deprecated, a warning for now.
            yield warning(
                "contract-event",
                (*c.path, "detail_type"),
                f"{both}, so no compatibility check compares them (deprecated: an error in a "
                f"later release): {how}",
            )


def _contract(ctx: Checks, c: m.Contract, where: Path) -> Iterator[Finding]:
    cls = validators.validator_for(c.schema, default=validators.Draft202012Validator)
    try:
        cls.check_schema(dict(c.schema))
    except SchemaError as exc:
        yield error("contract-schema", where, f"not a valid JSON Schema: {exc.message}")
        return
    invalid = [*_invalid_previous(c)]
    yield from invalid
    if not invalid:
        yield from contract_evolution.declared(c)
    try:
        to_draft4(dict(c.schema))
    except SchemaConversionError as exc:
        yield error(
            "contract-schema",
            where,
            "EventBridge's schema registry cannot take this schema: " + "; ".join(exc.errors),
        )
    # Only references inside the contract's schema: validate never goes to the network.
    validator = cls(dict(c.schema), registry=Registry(retrieve=_no_retrieval))  # type: ignore[call-arg]
    for i, example in enumerate(c.examples):
        try:
            problems = sorted(validator.iter_errors(example), key=lambda e: list(e.path))
        except Unresolvable as exc:
            yield error(
                "contract-schema",
                where,
                f"cannot resolve $ref '{_ref(exc)}': a contract schema "
                "may only refer to its own definitions",
            )
            break
        if problems:
            first = problems[0]
            at = "".join(f"[{x!r}]" if isinstance(x, int) else f".{x}" for x in first.path)
            yield error(
                "contract-example",
                (*c.path, "examples", i),
                f"example does not match the schema: detail{at}: {first.message}",
            )


def _invalid_previous(c: m.Contract) -> Iterator[Finding]:
    """Each earlier version is a JSON Schema both registries take, and a version of its own
    (Glue would register a repeated one as the version it repeats)."""
    for i, p in enumerate(c.previous):
        cls = validators.validator_for(p.schema, default=validators.Draft202012Validator)
        try:
            cls.check_schema(dict(p.schema))
            to_draft4(dict(p.schema))
        except SchemaError as exc:
            yield error("contract-schema", p.path, f"not a valid JSON Schema: {exc.message}")
        except SchemaConversionError as exc:
            yield error("contract-schema", p.path, "; ".join(exc.errors))
        if p.schema in c.history[i + 1 :]:
            yield error(
                "contract-schema",
                p.path,
                f"the same schema as a later version of contract '{c.name}': each version "
                "is listed once, the current one in schema only",
            )


def _topics(ctx: Checks) -> Iterator[Finding]:
    """A topic's contract is declared, only a Lambda bridge decodes its records (Glue's wire
    format is decoded by edastack's forwarder, which pipes and connectors do not run), and a
    producer to it writes only the contract's events."""
    for t in ctx.bp.topics.values():
        if t.contract is not None:
            where = (*t.path, "contract")
            yield from ctx.ref(where, "contracts", "contract", t.contract, ctx.bp.contracts)
    for b in ctx.bp.bridges.values():
        if isinstance(b, m.BusToKafka):
            yield from _producer(ctx, b)
        if not isinstance(b, m.KafkaToBus) or b.via == "lambda":
            continue
        topic = ctx.bp.topics.get(b.topic)
        if topic is not None and topic.contract is not None:
            yield error(
                "contract-topic",
                (*b.path, "via"),
                f"topic '{topic.name}' holds records of contract '{topic.contract}' in the "
                f"Glue Schema Registry's wire format, which a {b.via} cannot decode: use via: "
                "lambda (the forwarder decodes them), or bridge a topic without a contract",
            )


def _producer(ctx: Checks, b: m.BusToKafka) -> Iterator[Finding]:
    """Its records carry the contract's version id: its pattern selects that detail-type only,
    unless the bridge acknowledges that others share the contract's shape."""
    topic = ctx.bp.topics.get(b.topic)
    c = ctx.bp.contracts.get(topic.contract) if topic and topic.contract else None
    if c is None:
        return
    selected = b.pattern.get("detail-type")
    if isinstance(selected, list) and selected and all(_names(v, c.detail_type) for v in selected):
        return
    if not ctx.acknowledged(b.acknowledged, "contract-producer"):
        yield warning(
            "contract-producer",
            (*b.path, "from", "pattern"),
            f"topic '{b.topic}' holds contract '{c.name}' (detail-type {c.detail_type}) in "
            f"Glue's wire format, and bridge '{b.name}' writes each event's detail with its "
            f"version id: select that detail-type alone (detail-type: [{c.detail_type}]) in the "
            "pattern, or acknowledge: {contract-producer: <reason>} when the others share its "
            "shape",
        )


def _names(value: Any, wanted: str) -> bool:
    """A detail-type pattern value that matches ``wanted`` only (or its other cases)."""
    if isinstance(value, dict) and set(value) == {"equals-ignore-case"}:
        other = value["equals-ignore-case"]
        return isinstance(other, str) and other.lower() == wanted.lower()
    return isinstance(value, str) and value == wanted


def _glue(ctx: Checks) -> Iterator[Finding]:
    """What Glue refuses of the contracts topics register: a definition over its size, a
    schema with more tags than it takes (the stacks tag every resource)."""
    registered = ctx.bp.registered_contracts
    if not registered:
        return
    owner = ("owner",) if ctx.bp.owner else ()
    tags = {"edastack:blueprint", "edastack:environment", *owner, *ctx.bp.tags}
    if len(tags) > glue.SCHEMA_TAGS_MAX:
        yield error(
            "contract-topic",
            ("tags",),
            f"the stacks tag every resource with {len(tags)} tags (edastack:blueprint, "
            "edastack:environment, owner and tags), and an AWS::Glue::Schema takes at most "
            f"{glue.SCHEMA_TAGS_MAX}: topics register contract(s) "
            f"{', '.join(c.name for c in registered)} in Glue; declare fewer tags",
        )
    for c in registered:
        versions = [*((p.path, p.schema) for p in c.previous), ((*c.path, "schema"), c.schema)]
        for where, schema in versions:
            try:
                size = len(glue.definition(schema))
            except SchemaConversionError:
                continue  # reported as a contract-schema error
            if size > glue.DEFINITION_MAX_CHARS:
                yield error(
                    "contract-topic",
                    where,
                    f"Glue takes a schema definition of at most {glue.DEFINITION_MAX_CHARS:,} "
                    f"characters; this version of contract '{c.name}' is {size:,} in draft-07 "
                    "form",
                )


def _ref(exc: Unresolvable) -> str:
    ref = str(getattr(exc, "ref", exc))
    return f"#{ref}" if ref.startswith("/") else ref  # a JSON pointer, as the schema wrote it


def _no_retrieval(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs-made __init__
