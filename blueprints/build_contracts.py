"""Event contracts in the model: a JSON Schema and examples, inline or from JSON files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from edastack.aws import defaults
from edastack.blueprints import model as m
from edastack.blueprints.build_base import Builder, strings
from edastack.blueprints.findings import Path
from edastack.blueprints.loader import read_text
from edastack.blueprints.yaml_reader import MAX_DEPTH, LoadError

# The keys of an example that says where its event goes; the schema's examples.items if/then
# tells such an example from an inline detail by the same rule (see is_route_example).
ROUTE_EXAMPLE_KEYS = frozenset({"detail", "reaches", "misses", "bus", "description"})


def is_route_example(example: Any) -> bool:
    """``{detail, reaches and/or misses, bus?, description?}`` and nothing else: any other
    object is a detail, as before route examples existed."""
    return (
        isinstance(example, dict)
        and "detail" in example
        and ("reaches" in example or "misses" in example)
        and set(example) <= ROUTE_EXAMPLE_KEYS
    )


def contract(builder: Builder, name: str, spec: Mapping[str, Any], path: Path) -> m.Contract | None:
    schema = _json_file(builder, spec["schema"], (*path, "schema"), "schema")
    examples, routes = [], []
    for i, example in enumerate(spec.get("examples", ())):
        where = (*path, "examples", i)
        routed = is_route_example(example)
        detail = example["detail"] if routed else example
        loaded = _json_file(builder, detail, (*where, "detail") if routed else where, "example")
        if loaded is not None:
            examples.append(loaded)
        if loaded is not None and routed:
            routes.append(
                m.ExampleRoute(
                    path=where,
                    detail=loaded,
                    reaches=tuple(example.get("reaches", ())),
                    misses=tuple(example.get("misses", ())),
                    bus=example.get("bus"),
                )
            )
    previous = _previous(builder, spec.get("previous", ()), (*path, "previous"))
    if schema is None or previous is None:
        return None
    return m.Contract(
        name=name,
        path=path,
        source=spec["source"],
        detail_type=spec["detail_type"],
        schema=schema,
        version=spec.get("version", defaults.CONTRACT_VERSION),
        description=spec.get("description"),
        schema_file=spec["schema"] if isinstance(spec["schema"], str) else None,
        examples=tuple(examples),
        routes=tuple(routes),
        compatibility=spec.get("compatibility", defaults.CONTRACT_COMPATIBILITY),
        previous=previous,
        acknowledged=strings(spec.get("acknowledge")),
    )


def _previous(builder: Builder, entries: Any, path: Path) -> tuple[m.PublishedSchema, ...] | None:
    """The earlier versions' schemas; ``None`` when one cannot be read (reported)."""
    published = []
    for i, entry in enumerate(entries):
        loaded = _json_file(builder, entry, (*path, i), "schema")
        if loaded is None:
            return None
        file = entry if isinstance(entry, str) else None
        published.append(m.PublishedSchema(schema=loaded, file=file, path=(*path, i)))
    return tuple(published)


def _json_file(builder: Builder, value: Any, path: Path, what: str) -> Mapping[str, Any] | None:
    """An inline object, or the JSON object in the file a string names (relative to the
    blueprint)."""
    if isinstance(value, dict):
        return value
    file = (builder.base_dir / value).resolve()
    try:
        found = file.exists()
    except OSError as exc:  # a name the file system refuses, e.g. over 255 bytes
        builder.report("dangling-file", path, f"{what} file name cannot be used: {exc.strerror}")
        return None
    if not found:
        builder.report("dangling-file", path, f"{what} file '{value}' not found")
        return None
    try:
        loaded = json.loads(read_text(file, value, what="contract files", syntax="JSON"))
    except LoadError as exc:
        builder.report("contract-file", path, f"{what} file '{value}': {exc.finding.message}")
        return None
    except json.JSONDecodeError as exc:
        builder.report("contract-file", path, f"{what} file '{value}' is not valid JSON: {exc}")
        return None
    except RecursionError:  # json nests by recursion: a few thousand '[' exhaust the stack
        loaded = None
    if loaded is None or _nested_beyond(loaded, MAX_DEPTH):
        builder.report(
            "contract-file", path, f"{what} file '{value}' is nested more than {MAX_DEPTH} levels"
        )
        return None
    if not isinstance(loaded, dict):
        builder.report("contract-file", path, f"{what} file '{value}' must hold a JSON object")
        return None
    return cast(Mapping[str, Any], loaded)


def _nested_beyond(value: Any, limit: int) -> bool:
    """Whether JSON data nests deeper than ``limit`` (as blueprints may not): what reads it
    later (the schema checks, the registry) recurses."""
    level: list[Any] = [value]
    for _ in range(limit + 1):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return True
