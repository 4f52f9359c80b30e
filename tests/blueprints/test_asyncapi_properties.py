"""Properties. Any valid blueprint exports a document the official AsyncAPI schema and the rules
it cannot express accept, whatever its names, detail-types and patterns (generated blueprints:
buses, rules with literal, prefix and anything-but patterns, contracts with and without
references, Kafka topics with contracts, bridges both ways)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from edastack.blueprints.asyncapi import asyncapi_document
from edastack.blueprints.asyncapi_channels import Reach
from edastack.blueprints.asyncapi_rules import document_problems
from edastack.blueprints.routing import could_match
from edastack.blueprints.validate import validate_file
from tests.blueprints.asyncapi_support import assert_valid_asyncapi, schema_errors
from tests.blueprints.test_fuzz import EXAMPLES as FUZZ_EXAMPLES
from tests.blueprints.test_fuzz import MUTATIONS

MUTANTS_PER_EXAMPLE = 50
# Mutations aimed at the loader's time and memory bounds (test_fuzz), not at what validates.
_HEAVY = {"alias_bomb", "deep_nesting", "huge_number", "bytes"}

NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,6}", fullmatch=True)
# Detail-types and sources are free text to EventBridge: spaces, '?', '#', '/', '~', braces.
TEXT = st.text(alphabet="ab Z09-_./?#~é{}%", min_size=1, max_size=8).filter(lambda s: s.strip())

SCHEMAS = [
    {"type": "object", "properties": {"n": {"type": "integer"}}},
    {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": "#/$defs/item"}}},
        "$defs": {
            "item": {"type": "object", "properties": {"n": {"$ref": "#/$defs/n"}}},
            "n": {"type": "integer"},
        },
    },
]
EXAMPLES = [{"n": 1}, {"items": [{"n": 2}]}]


@st.composite
def patterns(draw: st.DrawFn, types: list[str], sources: list[str]) -> dict[str, Any]:
    shapes = [
        lambda: {"detail-type": draw(st.lists(st.sampled_from(types), min_size=1, max_size=2))},
        lambda: {"detail-type": [{"prefix": draw(TEXT)}]},
        lambda: {"source": [draw(st.sampled_from(sources))]},
        lambda: {"source": [draw(st.sampled_from(sources))], "detail-type": [draw(TEXT)]},
        lambda: {"detail-type": [{"anything-but": [draw(st.sampled_from(types))]}]},
    ]
    return draw(st.sampled_from(shapes))()


@st.composite
def blueprints(draw: st.DrawFn) -> dict[str, Any]:
    buses = draw(st.lists(NAMES, min_size=1, max_size=3, unique_by=str.lower))
    types = draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))
    sources = draw(st.lists(TEXT, min_size=1, max_size=3, unique=True))
    events = st.tuples(st.sampled_from(sources), st.sampled_from(types))  # one contract each
    contracts = {
        f"C{i}{name}": {
            "source": source,
            "detail_type": detail_type,
            "schema": SCHEMAS[shape],
            "examples": [EXAMPLES[shape]],
        }
        for i, ((source, detail_type), name, shape) in enumerate(
            draw(
                st.lists(
                    st.tuples(events, NAMES, st.integers(0, 1)),
                    max_size=3,
                    unique_by=lambda contract: contract[0],
                )
            )
        )
    }
    topics = {
        f"t{i}": {"cluster": "dc", "partitions": 1 + i}
        | ({"contract": draw(st.sampled_from(sorted(contracts)))} if contracts and i else {})
        for i in range(draw(st.integers(0, 2)))
    }
    rules = {
        f"r{i}": {
            "bus": draw(st.sampled_from(buses)),
            "pattern": draw(patterns(types, sources)),
            "enabled": draw(st.booleans()),
            "targets": {"q": {"sqs": "q"}},
        }
        for i in range(draw(st.integers(0, 4)))
    }
    bridges: dict[str, Any] = {}
    for i, topic in enumerate(topics):
        bus = draw(st.sampled_from(buses))
        if draw(st.booleans()):
            to = {"bus": bus, "detail_type": draw(st.sampled_from(types))}
            bridges[f"in{i}"] = {"from": {"topic": topic}, "to": to | {"source": "kafka.in"}}
        else:
            pattern = draw(patterns(types, sources))
            bridges[f"out{i}"] = {"from": {"bus": bus, "pattern": pattern}, "to": {"topic": topic}}
    blueprint: dict[str, Any] = {
        "blueprint": "generated",
        "eventbridge": {"buses": {b: {} for b in buses}, "rules": rules},
        "queues": {"q": {}},
        "contracts": contracts,
        "bridges": bridges,
    }
    if topics:
        blueprint["kafka"] = {
            "clusters": {
                "dc": {
                    "type": "external",
                    "bootstrap_servers": ["b-1.dc.example.com:9098"],
                    "auth": "iam",
                    "arn": "arn:aws:kafka:eu-west-1:333333333333:cluster/dc/abc-1",
                }
            },
            "topics": topics,
        }
    return blueprint


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(blueprint=blueprints())
def test_every_valid_blueprint_exports_a_valid_document(
    tmp_path: Path, blueprint: dict[str, Any]
) -> None:
    path = tmp_path / "generated.yaml"
    path.write_text(yaml.safe_dump(blueprint, allow_unicode=True), encoding="utf-8")
    report = validate_file(path, None)
    assume(report.ok)
    assert_valid_asyncapi(asyncapi_document(next(iter(report.blueprints.values()))))


LITERALS = st.sampled_from(["A", "B", "10.0.0.1", "10.00.0.1", "::1", "0:0:0:0:0:0:0:1"])
MATCHERS = st.lists(LITERALS | st.builds(lambda p: {"prefix": p}, LITERALS), min_size=1)


@settings(max_examples=200, deadline=None)
@given(
    branches=st.lists(
        st.fixed_dictionaries({}, optional={"detail-type": MATCHERS, "source": MATCHERS}),
        min_size=1,
        max_size=3,
    ),
    detail_type=LITERALS,
    source=st.none() | LITERALS,
)
def test_reach_answers_as_could_match(
    branches: list[dict[str, Any]], detail_type: str, source: str | None
) -> None:
    pattern = branches[0] if len(branches) == 1 else {"$or": branches}
    assume(all(branches))  # an empty branch is not a pattern
    known = {"detail-type": detail_type} | ({"source": source} if source else {})
    assert Reach.of(pattern).could(known) == could_match(pattern, known)


def test_the_mutants_of_the_examples_that_validate_export_valid_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """test_fuzz's seeded mutations of the examples (a key renamed or deleted, a type swapped,
    a reference broken...): those that still validate are blueprints nobody wrote by hand."""
    shutil.copytree(FUZZ_EXAMPLES / "contracts", tmp_path / "contracts")
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "bp.yaml"
    exported = 0
    for example in sorted(FUZZ_EXAMPLES.glob("*.yaml")):
        rng = random.Random(f"asyncapi-{example.name}")
        for _ in range(MUTANTS_PER_EXAMPLE):
            mutation = rng.choice(sorted(set(MUTATIONS) - _HEAVY))
            mutant = MUTATIONS[mutation](rng, example.read_text(encoding="utf-8"))
            target.write_bytes(mutant) if isinstance(mutant, bytes) else target.write_text(mutant)
            report = validate_file(target, None)
            for bp in report.blueprints.values() if report.ok else ():
                document = asyncapi_document(bp)
                assert (schema_errors(document), document_problems(document)) == ([], []), (
                    f"{example.name} after {mutation}"
                )
                exported += 1
    assert exported >= 20  # the mutations still leave enough valid blueprints to test
